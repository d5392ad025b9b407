namespace BackupConsole.Hosting;

/// <summary>Size limits of what browsers may send (#11): the console takes forms and circuit events, never uploads.</summary>
internal static class WebLimits
{
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public const long MaxCircuitMessageBytes = 64 * 1024;

    public const int DisconnectedCircuitsRetained = 100;
}
