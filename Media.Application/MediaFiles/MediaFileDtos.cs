using Ardalis.Specification;
using Mapster;
using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;

namespace Media.Application.MediaFiles;

/// <summary>
/// <c>identityStored</c>: whether the file carries its identity (xattr; null: never tried, e.g. object storage or a file
/// recorded before this existed); <c>identityNote</c>: why it could not be stored.
/// </summary>
public sealed record FileStateDto(bool Exists, long Size, DateTimeOffset LastVerifiedAt, bool? IdentityStored = null, string? IdentityNote = null);

/// <summary><c>episodeIds</c>: every episode the file holds, in order (<c>episodeId</c> is the first of them).</summary>
public sealed record MediaFileDto(
    Guid Id, Guid LibraryId, Guid MediaItemId, Guid? EpisodeId, string Path, DateTimeOffset CreatedAt, FileStateDto State,
    IReadOnlyList<Guid> EpisodeIds);

public sealed record ImportDto(
    Guid Id, Guid? MediaFileId, Guid? DownloadJobId, ImportMethod Method, string SourcePath, string DestinationPath,
    bool Succeeded, string? ErrorCode, string? Error, DateTimeOffset AttemptedAt, MoveEvidence? RecognisedBy = null);

/// <summary>A media file with its import history, newest first, and what is inside it (null until it has a probe row).</summary>
public sealed record MediaFileDetailDto(
    Guid Id, Guid LibraryId, Guid MediaItemId, Guid? EpisodeId, string Path, DateTimeOffset CreatedAt, FileStateDto State,
    IReadOnlyList<ImportDto> Imports, IReadOnlyList<Guid> EpisodeIds, ProbeDto? Probe = null);

/// <summary>
/// What ffprobe read: <c>status</c> pending (not yet probed), probed or failed (with ffprobe's message in <c>error</c>);
/// <c>needed</c> while a probe is queued (the kept result is shown until then). <c>resolution</c> is the class of the main
/// video's real frame size; <c>hdrFormat</c> null is SDR.
/// </summary>
public sealed record ProbeDto(
    string Status, bool Needed, DateTimeOffset? ProbedAt, string? Container, double? DurationSeconds, long? BitRate,
    string? VideoCodec, string? Resolution, string? HdrFormat, string? Error, IReadOnlyList<StreamDto> Streams);

public sealed record StreamDto(
    int Index, string Kind, string? Codec, string? Profile, int? Width, int? Height, double? FrameRate, int? BitDepth, string? HdrFormat,
    int? Channels, string? ChannelLayout, string? Language, string? Title, bool Default, bool Forced);

internal sealed class MediaFileMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<MediaFile, MediaFileDto>().MapWith(f => new MediaFileDto(
            f.Id.Value, f.LibraryId.Value, f.MediaItemId.Value, f.EpisodeId == null ? null : f.EpisodeId.Value.Value, f.Path, f.CreatedAt,
            new FileStateDto(f.State.Exists, f.State.Size, f.State.LastVerifiedAt, f.State.IdentityStored, f.State.IdentityNote),
            f.Episodes.OrderBy(e => e.Position).Select(e => e.EpisodeId.Value).ToList()));
        config.NewConfig<ImportAttempt, ImportDto>().MapWith(i => new ImportDto(
            i.Id.Value, i.MediaFileId == null ? null : i.MediaFileId.Value.Value, i.DownloadJobId == null ? null : i.DownloadJobId.Value.Value,
            i.Method, i.SourcePath, i.DestinationPath, i.Succeeded, i.ErrorCode, i.Error, i.AttemptedAt, i.RecognisedBy));
    }
}

public sealed class MediaFilesPage : Specification<MediaFile>
{
    public static readonly IReadOnlyList<string> SortKeys = ["path", "createdAt"];

    // The filters, for a repository that counts them its own way (see IMediaFileRepository).
    public LibraryId? Library { get; }
    public MediaItemId? Item { get; }
    public bool? Exists { get; }
    public string? Folder { get; }

    public MediaFilesPage(LibraryId? library, MediaItemId? item, bool? exists, PageRequest page, string? folder = null)
    {
        (Library, Item, Exists, Folder) = (library, item, exists, folder);
        Query.AsNoTracking();
        if (folder is not null) Query.Where(f => f.Path.StartsWith(folder + "/"));
        if (library is { } l) Query.Where(f => f.LibraryId == l);
        if (item is { } m) Query.Where(f => f.MediaItemId == m);
        // As constants, not a parameter: the database then sees that a list of missing files may read the index of the
        // missing ones only.
        if (exists is true) Query.Where(f => f.State.Exists);
        if (exists is false) Query.Where(f => !f.State.Exists);
        _ = page.SortKey switch
        {
            "createdAt" => Query.OrderByThenId(f => f.CreatedAt, f => f.Id, page.Direction),
            _ => Query.OrderByPathThenId(f => f.Path, f => f.Id, page.Direction),
        };
        Query.Page(page);
    }
}

public sealed class FilesOfItem : Specification<MediaFile>
{
    public FilesOfItem(MediaItemId item) => Query.AsNoTracking().Where(f => f.MediaItemId == item).OrderBy(f => f.Path);
}

public sealed class ImportsPage : Specification<ImportAttempt>
{
    public static readonly IReadOnlyList<string> SortKeys = ["attemptedAt"];

    public ImportsPage(MediaFileId? file, DownloadJobId? job, bool? succeeded, PageRequest? page, ImportFilter? filter = null)
    {
        Query.AsNoTracking();
        Succeeded = succeeded;
        ByOutcomeAtMost = file is null && job is null && filter is null or { Method: null, ErrorCode: null, Path: null };
        if (filter?.Method is { } method) Query.Where(i => i.Method == method);
        if (filter?.ErrorCode is { } code) Query.Where(i => i.ErrorCode == code);
        if (filter?.Path is { } path) Query.Where(i => i.SourcePath.Contains(path) || i.DestinationPath.Contains(path));
        if (file is { } f) Query.Where(i => i.MediaFileId == f);
        if (job is { } j) Query.Where(i => i.DownloadJobId == j);
        if (succeeded is { } s) Query.Where(i => i.Succeeded == s);
        // Newest first unless asked otherwise: a history.
        var direction = page?.SortKey is null ? SortDirection.Desc : page.Direction;
        Query.OrderByThenId(i => i.AttemptedAt, i => i.Id, direction);
        if (page is not null) Query.Page(page);
    }

    /// <summary>The outcome the list is narrowed to, if any.</summary>
    public bool? Succeeded { get; }

    /// <summary>Whether the list is every attempt, or every attempt of one outcome (nothing else narrows it): what the kept totals count.</summary>
    public bool ByOutcomeAtMost { get; }
}

public sealed record ListMediaFiles(
    LibraryId? Library, MediaItemId? Item, bool? Exists, PageRequest Page, string? Folder = null, Probing.ContentFilter? Content = null);

public sealed class ListMediaFilesHandler(IMediaFileRepository files, Probing.IProbeReader probes)
{
    public async Task<PagedList<MediaFileDto>> Handle(ListMediaFiles query, CancellationToken ct)
    {
        var spec = new MediaFilesPage(query.Library, query.Item, query.Exists, query.Page, query.Folder);
        if (query.Content is { IsEmpty: false } content)
        {
            var (found, total) = await probes.PageAsync(spec, content, ct);
            return new PagedList<MediaFileDto>(found.To<List<MediaFileDto>>(), query.Page.Page, query.Page.PageSize, total);
        }
        var page = await files.PageAsync(spec, query.Page, ct);
        return new PagedList<MediaFileDto>(page.Items.To<List<MediaFileDto>>(), page.Page, page.PageSize, page.TotalCount);
    }
}

public sealed record GetMediaFile(MediaFileId Id);

public sealed class GetMediaFileHandler(IMediaFileRepository files, Imports.IImportAttemptRepository imports, Probing.IProbeReader probes)
{
    public async Task<Result<MediaFileDetailDto>> Handle(GetMediaFile query, CancellationToken ct)
    {
        if (await files.FindAsync(query.Id, ct) is not { } file) return MediaFileErrors.NotFound(query.Id);
        var history = await imports.ListAsync(new ImportsPage(file.Id, null, null, null), ct);
        var dto = file.To<MediaFileDto>();
        return new MediaFileDetailDto(dto.Id, dto.LibraryId, dto.MediaItemId, dto.EpisodeId, dto.Path, dto.CreatedAt, dto.State,
            history.To<List<ImportDto>>(), dto.EpisodeIds, ToDto(await probes.FindAsync(file.Id, ct)));
    }

    private static ProbeDto? ToDto((Domain.Probes.MediaFileProbe Probe, IReadOnlyList<Domain.Probes.MediaStream> Streams)? kept) =>
        kept is not { } k ? null : new ProbeDto(
            Snake(k.Probe.Status.ToString()), k.Probe.Needed, k.Probe.ProbedAt, k.Probe.Container, k.Probe.DurationSeconds, k.Probe.BitRate, k.Probe.VideoCodec,
            k.Probe.Resolution, k.Probe.HdrFormat, k.Probe.Error,
            k.Streams.Select(s => new StreamDto(s.Index, Snake(s.Kind.ToString()), s.Codec, s.Profile, s.Width, s.Height, s.FrameRate, s.BitDepth,
                s.HdrFormat, s.Channels, s.ChannelLayout, s.Language, s.Title, s.IsDefault, s.IsForced)).ToList());

    private static string Snake(string name) => name.ToLowerInvariant();
}

/// <summary>The history's filters beyond file, job and outcome: how it was imported, why it failed, a piece of a path.</summary>
public sealed record ImportFilter(ImportMethod? Method, string? ErrorCode, string? Path);

public sealed record ListImports(MediaFileId? File, DownloadJobId? Job, bool? Succeeded, PageRequest Page, ImportFilter? Filter = null);

public sealed class ListImportsHandler(Imports.IImportAttemptRepository imports)
{
    public async Task<PagedList<ImportDto>> Handle(ListImports query, CancellationToken ct)
    {
        var page = await imports.PageAsync(new ImportsPage(query.File, query.Job, query.Succeeded, query.Page, query.Filter), query.Page, ct);
        return new PagedList<ImportDto>(page.Items.To<List<ImportDto>>(), page.Page, page.PageSize, page.TotalCount);
    }
}
