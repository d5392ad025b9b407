namespace BackupConsole.Core.Common;

/// <summary>The outcome of a command: success, or the validation errors to show next to their fields.</summary>
public class OperationResult
{
    protected OperationResult(IReadOnlyList<FieldError> errors, bool notFound = false)
    {
        Errors = errors;
        IsNotFound = notFound;
    }

    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>The resource named does not exist for the acting tenant (another tenant's id reads the same): the API answers 404.</summary>
    public bool IsNotFound { get; }

    public bool Succeeded => Errors.Count == 0;

    /// <summary>All messages joined, for a snackbar or a command line.</summary>
    public string ErrorText => string.Join(" ", Errors.Select(e => e.Message));

    public static OperationResult Ok() => new([]);

    public static OperationResult Fail(string field, string message) => new([new FieldError(field, message)]);

    public static OperationResult Fail(IReadOnlyList<FieldError> errors) => new(errors);

    public static OperationResult NotFound(string message) => new([new FieldError("", message)], notFound: true);
}

/// <summary>An <see cref="OperationResult"/> that carries a value when it succeeded.</summary>
public sealed class OperationResult<T> : OperationResult
{
    private OperationResult(T? value, IReadOnlyList<FieldError> errors, bool notFound = false) : base(errors, notFound) => Value = value;

    public T? Value { get; }

    public static OperationResult<T> Ok(T value) => new(value, []);

    public static new OperationResult<T> Fail(string field, string message) => new(default, [new FieldError(field, message)]);

    public static new OperationResult<T> Fail(IReadOnlyList<FieldError> errors) => new(default, errors);

    public static new OperationResult<T> NotFound(string message) => new(default, [new FieldError("", message)], notFound: true);
}
