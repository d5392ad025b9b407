namespace BackupConsole.Tests.Browser;

/// <summary>Browser tests start an app process and chromium each; on a 2-core machine they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
