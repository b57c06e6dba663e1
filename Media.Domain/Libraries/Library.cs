using Media.Domain.Common;

namespace Media.Domain.Libraries;

public enum LibraryKind { Movies, Series }

public sealed class Library
{
    public const int MaxNameLength = 200;

    private Library() { } // for EF

    public LibraryId Id { get; private set; }
    public string Name { get; private set; } = "";
    public LibraryKind Kind { get; private set; }
    public StorageLocation Storage { get; private set; } = null!;
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Whether changes on disk are watched (local libraries) and rescanned at once; the scheduled scan stays either way.</summary>
    public bool Watch { get; private set; } = true;

    public static Result<Library> Create(string? name, LibraryKind kind, StorageLocation storage, DateTimeOffset at, bool watch = true)
    {
        if (ValidateName(name) is { } invalid) return invalid;
        return new Library
        {
            Id = LibraryId.New(), Name = name!.Trim(), Kind = kind,
            Storage = storage ?? throw new ArgumentNullException(nameof(storage)), CreatedAt = at, Watch = watch,
        };
    }

    public Result Update(string? name, LibraryKind kind, StorageLocation storage, bool hasFiles, bool? watch = null)
    {
        if (ValidateName(name) is { } invalid) return invalid;
        if (kind != Kind && hasFiles) return LibraryErrors.KindChangeWithFiles(Id);
        (Name, Kind, Storage) = (name!.Trim(), kind, storage ?? throw new ArgumentNullException(nameof(storage)));
        if (watch is { } w) Watch = w;
        return Result.Ok();
    }

    /// <summary>Movies go in movie libraries, series in series libraries.</summary>
    public bool Holds(MediaItems.MediaType type) =>
        Kind == (type == MediaItems.MediaType.Movie ? LibraryKind.Movies : LibraryKind.Series);

    private static Error? ValidateName(string? name) => name switch
    {
        null or { Length: 0 } => Error.Validation("name", "A name is required."),
        _ when string.IsNullOrWhiteSpace(name) => Error.Validation("name", "A name is required."),
        { Length: > MaxNameLength } => Error.Validation("name", $"The name is longer than {MaxNameLength} characters."),
        _ => null,
    };
}

public static class LibraryErrors
{
    public static Error NotFound(LibraryId id) => Error.NotFound("library.not_found", $"Library {id.Value} does not exist.");
    public static Error DuplicateRoot(string root) =>
        Error.Conflict("library.duplicate_root", $"Another library already uses the storage root '{root}'.");
    public static Error NestedRoot(string root, string other) =>
        Error.Conflict("library.nested_root", $"The storage root '{root}' and another library's root '{other}' hold one another; libraries do not share files.");
    public static Error KindChangeWithFiles(LibraryId id) =>
        Error.Conflict("library.kind_change", $"Library {id.Value} holds files; its kind cannot change.");
}
