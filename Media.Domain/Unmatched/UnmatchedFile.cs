using Media.Domain.Common;
using Media.Domain.MediaItems;

namespace Media.Domain.Unmatched;

public enum UnmatchedStatus { Pending, Matched, Dismissed }

/// <summary>A TMDB candidate for an unmatched file; score in [0, 1], higher is likelier.</summary>
public sealed record MatchSuggestion(int TmdbId, MediaType Type, string Title, int? Year, double Score);

/// <summary>A file the scanner could not identify, queued for a user to match or dismiss.</summary>
public sealed class UnmatchedFile
{
    public const int MaxSuggestions = 5;

    private readonly List<MatchSuggestion> _suggestions = [];

    private UnmatchedFile() { } // for EF

    public UnmatchedFileId Id { get; private set; }
    public LibraryId LibraryId { get; private set; }
    public string Path { get; private set; } = "";

    /// <summary>The key by which the path is unique in its library (<see cref="PathKey"/>).</summary>
    public byte[] PathHash { get; private set; } = [];
    public long Size { get; private set; }
    public DateTimeOffset DiscoveredAt { get; private set; }
    public UnmatchedStatus Status { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    public MediaFileId? MediaFileId { get; private set; }
    public IReadOnlyList<MatchSuggestion> Suggestions => _suggestions;

    public static UnmatchedFile Discover(
        LibraryId library, string path, long size, IEnumerable<MatchSuggestion> suggestions, DateTimeOffset at)
    {
        var normalized = RelativePath.Normalize(path);
        if (normalized.IsFailure) throw new ArgumentException(normalized.Error!.Message, nameof(path));
        var file = new UnmatchedFile
        {
            Id = UnmatchedFileId.New(), LibraryId = library, Path = normalized.Value, PathHash = PathKey.Of(normalized.Value),
            Size = size >= 0 ? size : throw new ArgumentOutOfRangeException(nameof(size)),
            DiscoveredAt = at, Status = UnmatchedStatus.Pending,
        };
        file._suggestions.AddRange(Best(suggestions));
        return file;
    }

    public Result Match(MediaFileId file, DateTimeOffset at)
    {
        if (Status != UnmatchedStatus.Pending) return UnmatchedFileErrors.AlreadyResolved(Id);
        if (file == default) throw new ArgumentException("A match names its media file.", nameof(file));
        (Status, MediaFileId, ResolvedAt) = (UnmatchedStatus.Matched, file, at);
        return Result.Ok();
    }

    public Result Dismiss(DateTimeOffset at)
    {
        if (Status != UnmatchedStatus.Pending) return UnmatchedFileErrors.AlreadyResolved(Id);
        (Status, ResolvedAt) = (UnmatchedStatus.Dismissed, at);
        return Result.Ok();
    }

    /// <summary>Suggestions of a resolved file are history: they explain the decision and stay as they were.</summary>
    public Result RefreshSuggestions(IEnumerable<MatchSuggestion> suggestions)
    {
        if (Status != UnmatchedStatus.Pending) return UnmatchedFileErrors.AlreadyResolved(Id);
        var best = Best(suggestions);
        _suggestions.Clear();
        _suggestions.AddRange(best);
        return Result.Ok();
    }

    /// <summary>A later scan saw the file again, possibly grown (a copy still in progress).</summary>
    public void Seen(long size)
    {
        if (Status == UnmatchedStatus.Pending && size >= 0) Size = size;
    }

    private static List<MatchSuggestion> Best(IEnumerable<MatchSuggestion> suggestions)
    {
        ArgumentNullException.ThrowIfNull(suggestions);
        return suggestions
            .Select(s => s.Score is >= 0 and <= 1 ? s : throw new ArgumentOutOfRangeException(nameof(suggestions), "Scores lie in [0, 1]."))
            .DistinctBy(s => (s.Type, s.TmdbId))
            .OrderByDescending(s => s.Score).ThenBy(s => s.TmdbId)
            .Take(MaxSuggestions)
            .ToList();
    }
}

public static class UnmatchedFileErrors
{
    public static Error NotFound(UnmatchedFileId id) => Error.NotFound("unmatched_file.not_found", $"Unmatched file {id.Value} does not exist.");
    public static Error AlreadyResolved(UnmatchedFileId id) =>
        Error.Conflict("unmatched_file.already_resolved", $"Unmatched file {id.Value} is already matched or dismissed.");
    public static Error Gone(string path) =>
        Error.Conflict("unmatched_file.gone", $"'{path}' is no longer on disk; nothing was matched. A scan will take it out of the queue.");
    public static Error NoTitle() =>
        Error.Unprocessable("unmatched_file.no_title", "No title can be read from this file's name to search TMDB with.");
}
