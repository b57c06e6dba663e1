using Media.Domain.Common;
using Media.Domain.Libraries;
using Media.Domain.MediaItems;

namespace Media.Domain.MediaFiles;

/// <summary>
/// A file's identity and location: which library, which title (and episode), which path.
/// Whether it is on disk lives in <see cref="State"/>; there is no season (it follows from the episode) and no status.
/// A file may hold several episodes ("S01E01E02"): it is the file of each of them, <see cref="EpisodeId"/> the first.
/// </summary>
public sealed class MediaFile
{
    private readonly List<MediaFileEpisode> _episodes = [];

    private MediaFile() { } // for EF

    public MediaFileId Id { get; private set; }
    public LibraryId LibraryId { get; private set; }
    public MediaItemId MediaItemId { get; private set; }
    public EpisodeId? EpisodeId { get; private set; }
    public string Path { get; private set; } = "";

    /// <summary>The key by which the path is unique in its library (<see cref="PathKey"/>).</summary>
    public byte[] PathHash { get; private set; } = [];

    /// <summary>Every episode the file holds, in order; empty for a movie.</summary>
    public IReadOnlyList<MediaFileEpisode> Episodes => _episodes;

    public DateTimeOffset CreatedAt { get; private set; }
    public FileState State { get; private set; } = null!;

    /// <summary>A file of a series names its episode; a file of a movie names none; either belongs to a library of its kind.</summary>
    public static Result<MediaFile> Create(
        Library library, MediaItem item, Episode? episode, string path, FileState state, DateTimeOffset at) =>
        CreateForEpisodes(library, item, episode is null ? [] : [episode], path, state, at);

    /// <summary>A file of several episodes ("S01E01E02") is the file of each of them, in the order given.</summary>
    public static Result<MediaFile> CreateForEpisodes(
        Library library, MediaItem item, IReadOnlyList<Episode> episodes, string path, FileState state, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(state);
        if (!library.Holds(item.Type)) return MediaFileErrors.WrongLibraryKind(library, item.Type);
        if (item.Type == MediaType.Series && episodes.Count == 0) return MediaFileErrors.EpisodeRequired();
        if (item.Type == MediaType.Movie && episodes.Count > 0) return MediaFileErrors.EpisodeNotAllowed();
        if (episodes.FirstOrDefault(e => !item.HasEpisode(e.Id)) is { } other) return MediaFileErrors.EpisodeOfOtherSeries(other.Id);
        var normalized = RelativePath.Normalize(path);
        if (normalized.IsFailure) return normalized.Error!;

        var file = new MediaFile
        {
            Id = MediaFileId.New(), LibraryId = library.Id, MediaItemId = item.Id, EpisodeId = episodes.Count > 0 ? episodes[0].Id : null,
            Path = normalized.Value, PathHash = PathKey.Of(normalized.Value), CreatedAt = at, State = state,
        };
        foreach (var episode in episodes.DistinctBy(e => e.Id)) file._episodes.Add(new MediaFileEpisode(episode.Id, file._episodes.Count));
        return file;
    }

    public void Verified(long size, DateTimeOffset at) => State = State.Seen(size, at);

    /// <summary>
    /// The same episodes under the ids they are stored by (another writer stored their season first): each episode
    /// named in <paramref name="stored"/> takes its stored id; the order and the rest stay.
    /// </summary>
    public void Relink(IReadOnlyDictionary<EpisodeId, EpisodeId> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        for (var i = 0; i < _episodes.Count; i++)
            if (stored.TryGetValue(_episodes[i].EpisodeId, out var id)) _episodes[i] = _episodes[i] with { EpisodeId = id };
        if (EpisodeId is { } first && stored.TryGetValue(first, out var kept)) EpisodeId = kept;
    }

    /// <summary>What the file system says of the file now: device, inode and last change.</summary>
    public void SeenOnDisk(long device, long inode, DateTimeOffset modifiedAt) => State = State.OnDisk(device, inode, modifiedAt);

    /// <summary>Whether Media's identity could be written into the file; null <paramref name="failure"/> means it was.</summary>
    public void IdentityTagged(string? failure) => State = State.Tagged(failure);

    /// <summary>
    /// The same file, found at another path (renamed, moved to another folder, or to another library of the same kind):
    /// it keeps its id, title, episodes and history; it exists again at the new path.
    /// </summary>
    public Result MoveTo(Library library, string path, long size, DateTimeOffset at)
    {
        var target = MoveTarget(library, path, ofEpisodes: EpisodeId is not null);
        if (target.IsFailure) return target.Error!;
        (LibraryId, Path, PathHash) = (library.Id, target.Value.Path, target.Value.PathHash);
        State = State.Seen(size, at);
        return Result.Ok();
    }

    /// <summary>
    /// Where a file moves to: its path as stored and that path's key, when the path can be stored and the library is of
    /// the file's kind (a file of episodes in a series library, any other in a movies library). Also for a store that
    /// moves many files in one statement without loading them, which then holds each file to <paramref name="ofEpisodes"/>.
    /// </summary>
    public static Result<(string Path, byte[] PathHash)> MoveTarget(Library library, string path, bool ofEpisodes)
    {
        ArgumentNullException.ThrowIfNull(library);
        var normalized = RelativePath.Normalize(path);
        if (normalized.IsFailure) return normalized.Error!;
        if (library.Kind != (ofEpisodes ? LibraryKind.Series : LibraryKind.Movies)) return MediaFileErrors.MoveToOtherKind(library);
        return (normalized.Value, PathKey.Of(normalized.Value));
    }

    /// <summary>
    /// Another file now has this file's path (it was deleted or moved away, and a different file put there): this one is
    /// missing, keeps its path to show where it was, and gives up the path's key to the file there now.
    /// </summary>
    public void Replaced(DateTimeOffset at)
    {
        State = State.Missing(at);
        PathHash = ReplacedPathKey(Path, Id);
    }

    /// <summary>The key of a replaced file's path: its own (a NUL is never in a path), so the path's key is free.</summary>
    public static byte[] ReplacedPathKey(string path, MediaFileId id) => PathKey.Of($"{path}\0{id.Value}");

    public void MarkMissing(DateTimeOffset at)
    {
        if (State.Exists) State = State.Missing(at);
    }

    /// <summary>Only a missing file can be forgotten; the file on disk is never touched either way.</summary>
    public Result CanForget() => State.Exists ? MediaFileErrors.StillExists(Id) : Result.Ok();
}

/// <summary>One episode a media file holds; <see cref="Position"/> keeps the order of the name ("E01E02").</summary>
public sealed record MediaFileEpisode(EpisodeId EpisodeId, int Position);

public static class MediaFileErrors
{
    public static Error NotFound(MediaFileId id) => Error.NotFound("media_file.not_found", $"Media file {id.Value} does not exist.");
    public static Error StillExists(MediaFileId id) =>
        Error.Conflict("media_file.exists", $"Media file {id.Value} still exists on disk; only missing files can be forgotten.");
    public static Error DuplicatePath(string path) =>
        Error.Conflict("media_file.duplicate_path", $"'{path}' is already a media file of this library.");
    public static Error WrongLibraryKind(Library library, MediaType type) =>
        Error.Validation("type", $"A {type.ToString().ToLowerInvariant()} cannot go into the {library.Kind.ToString().ToLowerInvariant()} library '{library.Name}'.");
    public static Error MoveToOtherKind(Library library) =>
        Error.Validation("libraryId", $"A file cannot move into the {library.Kind.ToString().ToLowerInvariant()} library '{library.Name}': its title is of the other kind.");
    public static Error EpisodeRequired() => Error.Validation("episodes", "A file of a series must name its episode.");
    public static Error EpisodeNotAllowed() => Error.Validation("episodes", "A file of a movie has no episode.");
    public static Error EpisodeOfOtherSeries(EpisodeId id) =>
        Error.Validation("episodes", $"Episode {id.Value} does not belong to this series.");
}
