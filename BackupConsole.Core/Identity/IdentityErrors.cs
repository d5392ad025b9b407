using BackupConsole.Core.Common;
using Microsoft.AspNetCore.Identity;

namespace BackupConsole.Core.Identity;

/// <summary>Turns Identity's errors into field errors for the form that caused them.</summary>
public static class IdentityErrors
{
    public static IReadOnlyList<FieldError> ToFieldErrors(this IdentityResult result, string passwordField = "Password") =>
        result.Errors.Select(e => new FieldError(FieldOf(e.Code, passwordField), e.Description)).ToList();

    private static string FieldOf(string code, string passwordField) =>
        code.StartsWith("Password", StringComparison.Ordinal) ? passwordField
        : code.Contains("UserName", StringComparison.Ordinal) ? "UserName"
        : "";
}
