using BackupConsole.Core.Executors;
using BackupConsole.Core.Executors.MySql;
using BackupConsole.Core.Localization;
using Microsoft.Extensions.Localization;

namespace BackupConsole.Core.Instances;

/// <summary>Which backup types each kind of source allows (R-SCOPE-1), and which of them this console can take for one instance, and why not.</summary>
public sealed class InstanceCapabilities(IStringLocalizer<CoreText> text)
{
    public static IReadOnlyList<string> TypesOf(InstanceKind kind) => kind switch
    {
        InstanceKind.MySql => ["logical", "physical", "snapshot", "incremental"],
        InstanceKind.Redis => ["logical"],
        _ => ["snapshot"],
    };

    /// <summary>Physical, snapshot and incremental MySQL backups read the data directory, so it must be on this host.</summary>
    public IReadOnlyList<BackupTypeSupport> Of(Instance instance) =>
        TypesOf(instance.Kind).Select(type => new BackupTypeSupport(type, ReasonAgainst(instance, type) is null, ReasonAgainst(instance, type))).ToList();

    public string? ReasonAgainst(Instance instance, string type)
    {
        if (!TypesOf(instance.Kind).Contains(type))
            return text["Instance.TypeNotForKind", type];
        if (instance.Kind != InstanceKind.MySql || type == "logical")
            return null;
        if (string.IsNullOrEmpty(instance.DataDirectory))
            return text["Instance.NeedsDataDirectory"];
        if (!Directory.Exists(instance.DataDirectory))
            return text["Instance.DataDirectoryMissing", instance.DataDirectory];
        if (type != "snapshot" && !ToolProcess.IsOnPath(PhysicalTool.MariaBackup.Backup) && !ToolProcess.IsOnPath(PhysicalTool.XtraBackup.Backup))
            return text["Instance.NoBackupTool"];
        return null;
    }
}
