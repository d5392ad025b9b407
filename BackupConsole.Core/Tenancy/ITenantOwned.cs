namespace BackupConsole.Core.Tenancy;

/// <summary>An entity that belongs to exactly one tenant; the database scopes every query on it to the signed-in tenant.</summary>
public interface ITenantOwned
{
    string TenantId { get; set; }
}
