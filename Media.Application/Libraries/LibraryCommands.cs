using Media.Application.Common;
using Media.Application.MediaFiles;
using Media.Domain.Common;
using Media.Domain.Libraries;

namespace Media.Application.Libraries;

/// <summary>What a client sends to create or replace a library, as raw values: checking them is this layer's job.</summary>
public sealed record LibraryInput(string? Name, string? Kind, string? StorageProvider, string? StorageRoot)
{
    internal Result<(string Name, LibraryKind Kind, StorageLocation Storage)> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Name)) errors["name"] = ["A name is required."];
        else if (Name.Trim().Length > Library.MaxNameLength) errors["name"] = [$"The name is longer than {Library.MaxNameLength} characters."];

        LibraryKind kind = default;
        if (string.IsNullOrWhiteSpace(Kind)) errors["kind"] = ["A kind is required: movies or series."];
        else if (!Enum.TryParse(Kind, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || Kind.Any(char.IsDigit))
            errors["kind"] = [$"Unknown kind '{Kind}': movies or series."];

        var storage = StorageLocation.Create(StorageProvider, StorageRoot);
        if (storage.IsFailure)
            foreach (var (field, messages) in storage.Error!.Fields!) errors[field] = messages;

        if (errors.Count > 0) return Error.Validation("validation", "The library is invalid.", errors);
        return (Name!.Trim(), kind, storage.Value);
    }
}

public sealed record CreateLibrary(LibraryInput Input);

public sealed class CreateLibraryHandler(ILibraryRepository libraries, TimeProvider clock)
{
    public async Task<Result<LibraryDto>> Handle(CreateLibrary cmd, CancellationToken ct)
    {
        var input = cmd.Input.Validate();
        if (input.IsFailure) return input.Error!;
        var (name, kind, storage) = input.Value;

        // Checked first for a clear message; the unique index still decides between two equal roots under concurrency.
        if (await OverlappingRoot.FindAsync(libraries, storage, except: null, ct) is { } taken) return taken;

        var library = Library.Create(name, kind, storage, clock.GetUtcNow());
        if (library.IsFailure) return library.Error!;
        var added = await libraries.AddAsync(library.Value, ct);
        return added.IsSuccess ? library.Value.To<LibraryDto>() : added.Error!;
    }
}

/// <summary>A root that is another library's, or inside it, or holds it: the refusal, or null when the root is free.</summary>
internal static class OverlappingRoot
{
    public static async Task<Error?> FindAsync(ILibraryRepository libraries, StorageLocation storage, LibraryId? except, CancellationToken ct)
    {
        foreach (var library in await libraries.ListAsync(new AllLibraries(), ct))
        {
            if (library.Id == except || !storage.Overlaps(library.Storage)) continue;
            var stored = StorageLocation.Local(library.Storage.Root).Root; // rows written before roots were normalised
            return stored == storage.Root ? LibraryErrors.DuplicateRoot(storage.Root) : LibraryErrors.NestedRoot(storage.Root, stored);
        }
        return null;
    }
}

public sealed record UpdateLibrary(LibraryId Id, LibraryInput Input);

public sealed class UpdateLibraryHandler(ILibraryRepository libraries, IMediaFileRepository files)
{
    public async Task<Result<LibraryDto>> Handle(UpdateLibrary cmd, CancellationToken ct)
    {
        var input = cmd.Input.Validate();
        if (input.IsFailure) return input.Error!;
        if (await libraries.FindAsync(cmd.Id, ct) is not { } library) return LibraryErrors.NotFound(cmd.Id);
        var (name, kind, storage) = input.Value;

        if (storage != library.Storage && await OverlappingRoot.FindAsync(libraries, storage, except: library.Id, ct) is { } taken) return taken;
        var hasFiles = kind != library.Kind && await files.AnyAsync(new MediaFiles.FilesOfLibrary(library.Id), ct);

        var updated = library.Update(name, kind, storage, hasFiles);
        if (updated.IsFailure) return updated.Error!;
        var saved = await libraries.SaveAsync(ct);
        return saved.IsSuccess ? library.To<LibraryDto>() : saved.Error!;
    }
}

public sealed record DeleteLibrary(LibraryId Id);

/// <summary>Forgets a library and what the database knows of its files; the files on disk are never touched.</summary>
public sealed class DeleteLibraryHandler(ILibraryRepository libraries)
{
    public async Task<Result> Handle(DeleteLibrary cmd, CancellationToken ct)
    {
        if (await libraries.FindAsync(cmd.Id, ct) is not { } library) return LibraryErrors.NotFound(cmd.Id);
        return await libraries.RemoveAsync(library, ct);
    }
}

public sealed record GetLibrary(LibraryId Id);

public sealed class GetLibraryHandler(ILibraryRepository libraries)
{
    public async Task<Result<LibraryDto>> Handle(GetLibrary query, CancellationToken ct) =>
        await libraries.FindAsync(query.Id, ct) is { } library ? library.To<LibraryDto>() : LibraryErrors.NotFound(query.Id);
}

public sealed record ListLibraries(PageRequest Page);

public sealed class ListLibrariesHandler(ILibraryRepository libraries)
{
    public async Task<PagedList<LibraryDto>> Handle(ListLibraries query, CancellationToken ct)
    {
        var spec = new LibrariesPage(query.Page);
        var items = await libraries.ListAsync(spec, ct);
        var total = await libraries.CountAsync(spec, ct);
        return new PagedList<LibraryDto>(items.To<List<LibraryDto>>(), query.Page.Page, query.Page.PageSize, total);
    }
}
