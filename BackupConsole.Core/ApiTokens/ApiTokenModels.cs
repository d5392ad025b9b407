namespace BackupConsole.Core.ApiTokens;

public sealed record ApiTokenInput(string Name, ApiTokenScope Scope, int? ExpiresInDays);

public sealed record ApiTokenView(
    string Id, string Name, ApiTokenScope Scope, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool Active);

/// <summary>A token just created: <see cref="Token"/> is its only appearance in clear.</summary>
public sealed record CreatedApiToken(ApiTokenView View, string Token);

/// <summary>Who an accepted token acts as.</summary>
public sealed record ApiCaller(string TokenId, string TenantId, string TenantName, string UserId, ApiTokenScope Scope);
