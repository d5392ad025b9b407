using System.ComponentModel.DataAnnotations;

namespace BackupConsole.Core.Alerts;

/// <summary>Alert settings (section <c>Alerts</c>); the SMTP server is the operator's, recipients are each tenant's.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>How often the rules are evaluated.</summary>
    [Range(5, 3600)]
    public int EvaluateSeconds { get; set; } = 15;

    /// <summary>Webhook deliveries tried at most this many times (1 s, 2 s, 4 s … apart).</summary>
    [Range(1, 10)]
    public int WebhookAttempts { get; set; } = 3;

    [Range(1, 120)]
    public int WebhookTimeoutSeconds { get; set; } = 10;

    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    /// <summary>Empty: e-mail channels cannot be used (the UI says so).</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    /// <summary>StartTls (default), SslOnConnect or None.</summary>
    public string Security { get; set; } = "StartTls";

    public string UserName { get; set; } = "";

    public string Password { get; set; } = "";

    public string From { get; set; } = "backupconsole@localhost";
}
