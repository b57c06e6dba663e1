using Media.Domain.MediaItems;

namespace Media.Infrastructure.Persistence.Repositories;

/// <summary>
/// The totals of title searches (<c>q=</c>), each kept with the titles' version it was counted at (the sum of
/// media_item_count's versions, which every statement that changes a title moves, this instance's or another's) and
/// used again while that version holds: paging through a search's results, or coming back to it, counts its matches
/// once. A substring cannot be counted from an index, so each count reads every title (10 ms at 100,000 titles).
/// </summary>
internal sealed class SearchCounts
{
    private const int MostSearches = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Search, MediaType? Type), (long Version, int Count)> _counts = [];

    /// <summary>Whether this search was counted before (at whatever version).</summary>
    public bool Knows(string search, MediaType? type)
    {
        lock (_lock) return _counts.ContainsKey((search, type));
    }

    /// <summary>The search's total when it was counted at this version of the titles; otherwise none.</summary>
    public int? Find(string search, MediaType? type, long version)
    {
        lock (_lock) return _counts.TryGetValue((search, type), out var kept) && kept.Version == version ? kept.Count : null;
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
