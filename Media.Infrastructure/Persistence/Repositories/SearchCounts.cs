using Media.Domain.MediaItems;

namespace Media.Infrastructure.Persistence.Repositories;

/// <summary>
/// The totals of title searches (<c>q=</c>), each kept with the titles' version it was counted at (the sum of
/// media_item_count's versions, which every statement that changes a title moves, this instance's or another's) and
/// used again while that version holds: paging through a search's results, or coming back to it, counts its matches
/// once. A substring cannot be looked up in a btree, so each count reads every title's index entry (9.5 ms at 100,000
/// titles).
/// </summary>
internal sealed class SearchCounts
{
    private const int MostSearches = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Search, MediaType? Type), (long Version, int Count)> _counts = [];

    /// <summary>The search's total and the version of the titles it was counted at, if it was counted before.</summary>
    public (long Version, int Count)? Find(string search, MediaType? type)
    {
        lock (_lock) return _counts.TryGetValue((search, type), out var kept) ? kept : null;
    }

    /// <summary>Keeps a total with the version of the titles it was counted at (read in the same statement).</summary>
    public void Keep(string search, MediaType? type, long version, int count)
    {
        lock (_lock)
        {
            if (_counts.Count >= MostSearches) _counts.Clear();
            _counts[(search, type)] = (version, count);
        }
    }
}
