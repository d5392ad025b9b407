namespace BackupConsole.Tests.Support;

/// <summary>Where the solution and the built app are, found from the test assembly's own location.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>"Debug" or "Release": the configuration the tests (and so the referenced app) were built in.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public static string AppProjectDirectory => Path.Combine(Root, "BackupConsole");

    public static string AppAssembly => Path.Combine(AppProjectDirectory, "bin", Configuration, "net10.0", "BackupConsole.dll");

    public static string ScreenshotDirectory
    {
        get
        {
            var dir = Path.Combine(Root, "TestResults", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BackupConsole.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("BackupConsole.sln not found above " + AppContext.BaseDirectory);
    }
}
