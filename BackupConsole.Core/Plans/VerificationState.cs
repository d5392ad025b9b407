namespace BackupConsole.Core.Plans;

/// <summary>What the last re-read of a backup's checksums found .</summary>
public enum VerificationState
{
    NotVerified,
    Verifying,
    Passed,
    Failed,
}
