using Media.Application.Common;
using Media.Application.Downloads;
using Media.Application.MediaFiles;
using Media.Domain.Common;
using Media.Domain.Libraries;

namespace Media.Application.Libraries;

/// <summary>
/// What a client sends to create or replace a library, as raw values: checking them is this layer's job.
/// <see cref="StorageConnectionString"/> is write-only: it is encrypted here and never shown again; left out on a
/// replace of an object-store library, the stored one stays.
/// </summary>
public sealed record LibraryInput(
    string? Name, string? Kind, string? StorageProvider, string? StorageRoot, string? StorageConnectionString = null, bool? Watch = null)
{
    internal Result<(string Name, LibraryKind Kind, StorageLocation Storage)> Validate(ISecretProtector secrets, StorageLocation? current = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Name)) errors["name"] = ["A name is required."];
        else if (Name.Trim().Length > Library.MaxNameLength) errors["name"] = [$"The name is longer than {Library.MaxNameLength} characters."];

        LibraryKind kind = default;
        if (string.IsNullOrWhiteSpace(Kind)) errors["kind"] = ["A kind is required: movies or series."];
        else if (!Enum.TryParse(Kind, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || Kind.Any(char.IsDigit))
            errors["kind"] = [$"Unknown kind '{Kind}': movies or series."];

        var storage = StorageLocation.Create(StorageProvider, StorageRoot, ProtectedConnectionString(secrets, current, errors));
        if (storage.IsFailure)
            foreach (var (field, messages) in storage.Error!.Fields!) errors.TryAdd(field, messages);

        if (errors.Count > 0) return Error.Validation("validation", "The library is invalid.", errors);
        return (Name!.Trim(), kind, storage.Value);
    }

    // A new secret is checked for its shape, then encrypted; none given keeps the stored one of the same provider.
    private string? ProtectedConnectionString(ISecretProtector secrets, StorageLocation? current, Dictionary<string, string[]> errors)
    {
        var provider = StorageProvider?.Trim().ToLowerInvariant();
        if (StorageConnectionString is null)
            return current is not null && current.Provider == provider ? current.ProtectedConnectionString : null;
        if (provider != StorageLocation.AzureBlobProvider) return ""; // refused by the storage location, never stored
        if (BlobConnectionString.Problem(StorageConnectionString) is { } problem)
        {
            errors["storage.connectionString"] = [problem];
            return null;
        }
        return secrets.Protect(StorageConnectionString.Trim());
    }
}

public sealed record CreateLibrary(LibraryInput Input);

public sealed class CreateLibraryHandler(ILibraryRepository libraries, ISecretProtector secrets, TimeProvider clock)
{
    public async Task<Result<LibraryDto>> Handle(CreateLibrary cmd, CancellationToken ct)
    {
        var input = cmd.Input.Validate(secrets);
        if (input.IsFailure) return input.Error!;
        var (name, kind, storage) = input.Value;

        // Checked first for a clear message; the unique index still decides between two equal roots under concurrency.
        if (await OverlappingRoot.FindAsync(libraries, storage, except: null, ct) is { } taken) return taken;

        var library = Library.Create(name, kind, storage, clock.GetUtcNow(), cmd.Input.Watch ?? true);
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
            // Local rows written before roots were normalised are compared normalised; blob roots are stored as given.
            var stored = library.Storage.Provider == StorageLocation.LocalProvider ? StorageLocation.Local(library.Storage.Root).Root : library.Storage.Root;
            return stored == storage.Root ? LibraryErrors.DuplicateRoot(storage.Root) : LibraryErrors.NestedRoot(storage.Root, stored);
        }
        return null;
    }
}

public sealed record UpdateLibrary(LibraryId Id, LibraryInput Input);

public sealed class UpdateLibraryHandler(ILibraryRepository libraries, IMediaFileRepository files, ISecretProtector secrets)
{
    public async Task<Result<LibraryDto>> Handle(UpdateLibrary cmd, CancellationToken ct)
    {
        if (await libraries.FindAsync(cmd.Id, ct) is not { } library)
            return cmd.Input.Validate(secrets) is { IsFailure: true } invalid ? invalid.Error! : LibraryErrors.NotFound(cmd.Id);
        var input = cmd.Input.Validate(secrets, library.Storage);
        if (input.IsFailure) return input.Error!;
        var (name, kind, storage) = input.Value;

        if (!storage.SamePlaceAs(library.Storage) && await OverlappingRoot.FindAsync(libraries, storage, except: library.Id, ct) is { } taken) return taken;
        var hasFiles = kind != library.Kind && await files.AnyAsync(new MediaFiles.FilesOfLibrary(library.Id), ct);

        var updated = library.Update(name, kind, storage, hasFiles, cmd.Input.Watch);
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

public sealed class GetLibraryHandler(ILibraryRepository libraries, Scanning.IScanRepository scans, Settings.RuntimeSettings settings, TimeProvider clock)
{
    public async Task<Result<LibraryDto>> Handle(GetLibrary query, CancellationToken ct)
    {
        if (await libraries.FindAsync(query.Id, ct) is not { } library) return LibraryErrors.NotFound(query.Id);
        // The schedule's rule (ScheduledScansHandler): due when the last whole scan was queued longer ago than the interval.
        var minutes = int.TryParse(settings["scan.intervalMinutes"], out var m) && m > 0 ? m : 0;
        var last = await scans.FirstOrDefaultAsync(new Scanning.LastScanOf(library.Id), ct);
        var complete = await scans.FirstOrDefaultAsync(new Scanning.LastCompleteScanOf(library.Id), ct);
        DateTimeOffset? due = minutes == 0 ? null : last is null ? clock.GetUtcNow() : last.QueuedAt + TimeSpan.FromMinutes(minutes);
        return library.To<LibraryDto>() with { Verification = new VerificationDto(complete?.FinishedAt, complete?.Id.Value, due, minutes) };
    }
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
