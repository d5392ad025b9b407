using System.Security.Cryptography;
using BackupConsole.Core.Common;
using BackupConsole.Core.Data;
using BackupConsole.Core.Events;
using BackupConsole.Core.Localization;
using BackupConsole.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace BackupConsole.Core.ApiTokens;

/// <summary>
/// The signed-in tenant's REST API tokens: created with a name, a scope and an optional expiry, shown once,
/// revoked at any time; and the check that turns a presented token into the tenant and user it acts as.
/// </summary>
public sealed class ApiTokenService(
    IDbContextFactory<BackupDbContext> dbFactory,
    TenantDbFactory tenantDb,
    EventLog events,
    IStringLocalizer<CoreText> text,
    TimeProvider clock)
{
    public const int MaxNameLength = 64;
    public const int MaxExpiryDays = 3650;
    public const int MaxActivePerTenant = 50;

    /// <summary>Tokens read <c>bc_</c> + the id's random part + <c>_</c> + 43 characters of base64url secret.</summary>
    private const string TokenPrefix = "bc_";
    private const int IdPartLength = 8;
    private const int SecretBytes = 32;

    /// <summary>Last-used times are written at most this often per token, not on every request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<IReadOnlyList<ApiTokenView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.RequireTenant();
        var now = clock.GetUtcNow();
        var tokens = await db.ApiTokens.AsNoTracking().ToListAsync(ct);
        return tokens.OrderByDescending(t => t.CreatedAt).Select(t => View(t, now)).ToList();
    }

    public async Task<OperationResult<CreatedApiToken>> CreateAsync(ApiTokenInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = db.RequireTenant();
        var userId = db.TenantContext.UserId ?? throw new TenantAccessException("Only a signed-in user creates API tokens.");
        var now = clock.GetUtcNow();
        var name = input.Name?.Trim() ?? "";
        var errors = new List<FieldError>();
        if (name.Length == 0)
            errors.Add(new(nameof(ApiTokenInput.Name), text["ApiToken.NameRequired"]));
        else if (name.Length > MaxNameLength)
            errors.Add(new(nameof(ApiTokenInput.Name), text["ApiToken.NameTooLong", MaxNameLength]));
        if (!Enum.IsDefined(input.Scope))
            errors.Add(new(nameof(ApiTokenInput.Scope), text["ApiToken.ScopeInvalid"]));
        if (input.ExpiresInDays is { } days && days is < 1 or > MaxExpiryDays)
            errors.Add(new(nameof(ApiTokenInput.ExpiresInDays), text["ApiToken.ExpiryInvalid", MaxExpiryDays]));
        var active = (await db.ApiTokens.AsNoTracking().ToListAsync(ct)).Where(t => IsActive(t, now)).ToList();
        if (active.Any(t => t.Name == name))
            errors.Add(new(nameof(ApiTokenInput.Name), text["ApiToken.NameTaken", name]));
        if (active.Count >= MaxActivePerTenant)
            errors.Add(new("", text["ApiToken.TooMany", MaxActivePerTenant]));
        if (errors.Count > 0)
            return OperationResult<CreatedApiToken>.Fail(errors);

        var id = ResourceIds.New(ResourceIds.ApiToken);
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        var token = new ApiToken
        {
            Id = id, TenantId = tenantId, Name = name, Scope = input.Scope, SecretHash = SHA256.HashData(secret),
            CreatedBy = userId, CreatedAt = now, ExpiresAt = input.ExpiresInDays is { } d ? now.AddDays(d) : null,
        };
        db.ApiTokens.Add(token);
        await events.RecordAsync(db, id, "ApiTokenCreated", EventLevel.Info, $"{name} ({input.Scope})", ct, tenantId);
        await db.SaveChangesAsync(ct);
        var clear = TokenPrefix + id[(ResourceIds.ApiToken.Length + 1)..] + "_" + Base64Url(secret);
        return OperationResult<CreatedApiToken>.Ok(new CreatedApiToken(View(token, now), clear));
    }

    public async Task<OperationResult> RevokeAsync(string tokenId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = db.RequireTenant();
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId, ct);
        if (token is null)
            return OperationResult.NotFound(text["ApiToken.NotFound"]);
        if (token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow();
            await events.RecordAsync(db, token.Id, "ApiTokenRevoked", EventLevel.Info, token.Name, ct, tenantId);
            await db.SaveChangesAsync(ct);
        }
        return OperationResult.Ok();
    }

    /// <summary>
    /// The caller a presented token acts as, or null when it is malformed, unknown, revoked, expired, or its user or
    /// tenant is disabled or gone. Every refusal looks the same to the caller.
    /// </summary>
    public async Task<ApiCaller?> AuthenticateAsync(string presented, CancellationToken ct = default)
    {
        if (!TryParse(presented, out var id, out var secret))
            return null;
        await using var db = tenantDb.ForSystem();
        var token = await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        var now = clock.GetUtcNow();
        if (token is null || !CryptographicOperations.FixedTimeEquals(token.SecretHash, SHA256.HashData(secret)) || !IsActive(token, now))
            return null;
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == token.CreatedBy, ct);
        var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == token.TenantId, ct);
        if (user is null || user.IsDisabled || user.TenantId != token.TenantId || tenant is null || tenant.IsDisabled)
            return null;
        if (token.LastUsedAt is not { } used || now - used >= LastUsedResolution)
            await db.ApiTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        return new ApiCaller(token.Id, token.TenantId, tenant.Name, user.Id, token.Scope);
    }

    private static bool TryParse(string presented, out string id, out byte[] secret)
    {
        id = "";
        secret = [];
        var idEnd = TokenPrefix.Length + IdPartLength;
        if (presented.Length != idEnd + 1 + 43 || !presented.StartsWith(TokenPrefix, StringComparison.Ordinal) || presented[idEnd] != '_')
            return false;
        var idPart = presented[TokenPrefix.Length..idEnd];
        if (!idPart.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9'))
            return false;
        try
        {
            secret = Convert.FromBase64String(presented[(idEnd + 1)..].Replace('-', '+').Replace('_', '/') + "=");
        }
        catch (FormatException)
        {
            return false;
        }
        id = $"{ResourceIds.ApiToken}-{idPart}";
        return secret.Length == SecretBytes;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool IsActive(ApiToken token, DateTimeOffset now) => token.RevokedAt is null && (token.ExpiresAt is not { } expires || expires > now);

    private static ApiTokenView View(ApiToken t, DateTimeOffset now) =>
        new(t.Id, t.Name, t.Scope, t.CreatedBy, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, IsActive(t, now));
}
