using Media.Domain.Common;
using Media.Domain.Libraries;
using Media.Domain.MediaItems;
using Media.Domain.Unmatched;

namespace Media.Tests.Domain;

internal static class A
{
    public static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static Library MovieLibrary(string root = "/srv/media/movies") =>
        Library.Create("Movies", LibraryKind.Movies, StorageLocation.Local(root), At).Value;

    public static Library SeriesLibrary(string root = "/srv/media/series") =>
        Library.Create("Series", LibraryKind.Series, StorageLocation.Local(root), At).Value;

    public static MediaItem Matrix() => MediaItem.Movie(603, "The Matrix", "The Matrix", 1999, At);

    public static MediaItem BreakingBad()
    {
        var show = MediaItem.Series(1396, "Breaking Bad", "Breaking Bad", 2008, At);
        var one = show.EnsureSeason(1, "Season 1");
        one.EnsureEpisode(1, "Pilot", new DateOnly(2008, 1, 20));
        one.EnsureEpisode(2, "Cat's in the Bag...", new DateOnly(2008, 1, 27));
        return show;
    }

    public static UnmatchedFile PendingUnmatched(LibraryId? library = null) =>
        UnmatchedFile.Discover(library ?? LibraryId.New(), "Unknown/file.mkv", 1234, [Suggestion(603, 0.7)], At);

    public static MatchSuggestion Suggestion(int tmdbId, double score) => new(tmdbId, MediaType.Movie, $"Title {tmdbId}", 1999, score);
}
