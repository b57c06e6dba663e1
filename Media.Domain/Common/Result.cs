namespace Media.Domain.Common;

public class Result
{
    private static readonly Result Success = new(null);

    protected Result(Error? error) => Error = error;

    public Error? Error { get; }
    public bool IsSuccess => Error is null;
    public bool IsFailure => Error is not null;

    public static Result Ok() => Success;
    public static Result<T> Ok<T>(T value) => Result<T>.Of(value);
    public static Result Fail(Error error) => new(error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator Result(Error error) => Fail(error);
}

public sealed class Result<T> : Result
{
    private readonly T? _value;

    private Result(T? value, Error? error) : base(error) => _value = value;

    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"No value: {Error!.Code}.");

    internal static Result<T> Of(T value) => new(value, null);
    public static new Result<T> Fail(Error error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator Result<T>(T value) => Of(value);
    public static implicit operator Result<T>(Error error) => Fail(error);
}
