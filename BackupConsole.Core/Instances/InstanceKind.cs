namespace BackupConsole.Core.Instances;

/// <summary>The kinds of data source a tenant registers (实例) and plans back up (R-SCOPE-1).</summary>
public enum InstanceKind
{
    MySql,
    Redis,
    ObjectStorage,
    FileStorage,
}

public static class InstanceKinds
{
    /// <summary>The source kind as manifests name it.</summary>
    public static string ManifestName(this InstanceKind kind) => kind switch
    {
        InstanceKind.MySql => "mysql",
        InstanceKind.Redis => "redis",
        InstanceKind.ObjectStorage => Executors.Objects.ObjectSnapshotRunner.SourceKind,
        _ => Executors.Files.FileSnapshotRunner.SourceKind,
    };

    /// <summary>The instance kind a manifest's source kind restores into; null for kinds this version does not know.</summary>
    public static InstanceKind? FromManifestName(string name) =>
        Enum.GetValues<InstanceKind>().Cast<InstanceKind?>().FirstOrDefault(k => k!.Value.ManifestName() == name);
}
