using Media.Domain.Common;
using Media.Domain.Unmatched;

namespace Media.Infrastructure.Persistence.Repositories;

/// <summary>
/// Where the unmatched queue's deep pages start: the order's key (discovered_at, id) of every n-th entry (n: at least
/// <see cref="Spacing"/>, at most 32 bookmarks across the queue), counted from either end, learnt as pages are read. A
/// page at position p is then read from the bookmark before it, skipping fewer than n entries instead of p. A chain holds
/// only while the queue's stamp (its version and count, kept by the database's triggers) is the one it was learnt
/// at: any entry added, resolved or removed, by this instance or another, starts it again. Bookmarks are learnt only
/// for a queue seen unchanged by an earlier read: while a scan keeps changing it, deep pages are read the plain way
/// (a skip from the nearer end) instead of learning bookmarks that the next change throws away.
/// </summary>
internal sealed class QueueBookmarks(int spacing = QueueBookmarks.DefaultSpacing)
{
    public const int DefaultSpacing = 10_000;
    private const int MostChains = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<(LibraryId? Library, UnmatchedStatus Status, bool Descending), Chain> _chains = [];

    public int Spacing { get; } = spacing;

    /// <summary>The spacing for a queue of this many entries (fixed while its stamp is, which holds its count).</summary>
    public int SpacingFor(int total) => Math.Max(Spacing, total / 32);

    /// <summary>How many bookmarks are held (tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _chains.Values.Sum(c => c.Keys.Count);
        }
    }

    /// <summary>Whether the queue was seen at this stamp before (by an earlier read): only then are bookmarks used and learnt.</summary>
    public bool Settled(LibraryId? library, UnmatchedStatus status, bool descending, Stamp stamp)
    {
        lock (_lock)
        {
            var id = (library, status, descending);
            if (_chains.TryGetValue(id, out var chain) && chain.Stamp == stamp) return true;
            if (_chains.Count >= MostChains) _chains.Clear();
            _chains[id] = new Chain(stamp);
            return false;
        }
    }

    /// <summary>The bookmarks known before <paramref name="offset"/>: the last one (its position and key), or none.</summary>
    public (int Position, Key Key)? Before(LibraryId? library, UnmatchedStatus status, bool descending, Stamp stamp, int offset)
    {
        lock (_lock)
        {
            if (!_chains.TryGetValue((library, status, descending), out var chain) || chain.Stamp != stamp) return null;
            var spacing = SpacingFor((int)Math.Min(stamp.Count, int.MaxValue));
            var index = Math.Min(offset / spacing, chain.Keys.Count) - 1;
            return index < 0 ? null : ((index + 1) * spacing, chain.Keys[index]);
        }
    }

    /// <summary>The key of the entry at <paramref name="position"/> (a multiple of the spacing for the stamp's count), read at this stamp.</summary>
    public void Learn(LibraryId? library, UnmatchedStatus status, bool descending, Stamp stamp, int position, Key key)
    {
        lock (_lock)
        {
            var id = (library, status, descending);
            if (!_chains.TryGetValue(id, out var chain) || chain.Stamp != stamp)
            {
                if (_chains.Count >= MostChains) _chains.Clear();
                _chains[id] = chain = new Chain(stamp);
            }
            // Bookmarks are learnt in order; one that does not follow the last (another request's) is not needed.
            if (position == (chain.Keys.Count + 1) * SpacingFor((int)Math.Min(stamp.Count, int.MaxValue))) chain.Keys.Add(key);
        }
    }

    /// <summary>An entry's place in the queue's order.</summary>
    public readonly record struct Key(DateTimeOffset DiscoveredAt, UnmatchedFileId Id);

    /// <summary>The queue as its counts row(s) say: the sum of their versions and of their counts.</summary>
    public readonly record struct Stamp(long Version, long Count);

    private sealed class Chain(Stamp stamp)
    {
        public Stamp Stamp { get; } = stamp;
        public List<Key> Keys { get; } = [];
    }
}
