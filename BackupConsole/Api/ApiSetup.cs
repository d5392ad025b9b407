using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Scalar.AspNetCore;

namespace BackupConsole.Api;

/// <summary>
/// The REST API: /api/v1 over the same Core services as the pages, signed in with a tenant's API token only,
/// JSON with enum names, problem details for every error, an OpenAPI document and an interactive reference page.
/// </summary>
internal static class ApiSetup
{
    public const string ApiPath = "/api";
    public const string DocumentPath = "/api/v1/openapi.json";
    public const string ReferencePath = "/api/reference";

    public static IServiceCollection AddBackupConsoleApi(this IServiceCollection services)
    {
        new AuthenticationBuilder(services).AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(ApiPolicies.Configure);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            // A body of the wrong shape (a required field missing or null) is refused with 400, not half-read.
            json.SerializerOptions.RespectNullableAnnotations = true;
            json.SerializerOptions.RespectRequiredConstructorParameters = true;
        });
        services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "BackupConsole API";
                document.Info.Description = "Send a tenant's API token (API 令牌 page) as `Authorization: Bearer bc_…`. Read tokens may GET; read-write tokens may also change.";
                return Task.CompletedTask;
            });
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true;
        });
        return services;
    }

    /// <summary>
    /// Problem details for an API status that has no body yet; a 400 of that kind is a request the framework could
    /// not bind (not JSON, a field of the wrong type, a required field missing).
    /// </summary>
    public static Task WriteBareStatusAsync(StatusCodeContext context)
    {
        var status = context.HttpContext.Response.StatusCode;
        var detail = status == StatusCodes.Status400BadRequest
            ? $"The request could not be read: send JSON of the shape {DocumentPath} describes, with every required field and the right types."
            : null;
        return Results.Problem(statusCode: status, detail: detail).ExecuteAsync(context.HttpContext);
    }

    public static void MapBackupConsoleApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(ApiPolicies.Read).DisableAntiforgery();
        api.MapResourceEndpoints();
        api.MapPlanEndpoints();
        api.MapMonitoringEndpoints();
        // Any other path under the API answers with problem details too, not the console's not-found page.
        api.MapFallback(() => ApiResults.NotFound("No such API endpoint.")).ExcludeFromDescription();

        app.MapOpenApi(DocumentPath).AllowAnonymous();
        app.MapScalarApiReference(ReferencePath, o => o.WithTitle("BackupConsole API").WithOpenApiRoutePattern(DocumentPath)).AllowAnonymous();
    }
}
