using BackupConsole.Core.Common;

namespace BackupConsole.Api;

/// <summary>Turns a Core <see cref="OperationResult"/> into the API's answer: problem details for every refusal.</summary>
internal static class ApiResults
{
    public static IResult From(OperationResult result, Func<IResult> ok) =>
        result.Succeeded ? ok() : Refusal(result);

    public static IResult From<T>(OperationResult<T> result, Func<T, IResult> ok) =>
        result.Succeeded ? ok(result.Value!) : Refusal(result);

    public static IResult NotFound(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    private static IResult Refusal(OperationResult result) =>
        result.IsNotFound
            ? NotFound(result.ErrorText)
            : Results.ValidationProblem(
                result.Errors.GroupBy(e => e.Field.Length == 0 ? "request" : e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                detail: result.ErrorText);
}

/// <summary>A page of a list: the items and how many there are in all.</summary>
public sealed record ApiPage<T>(IReadOnlyList<T> Items, int Total);
