using System.Diagnostics;
using Media.Domain.MediaItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Media.Infrastructure.Persistence.Repositories;

/// <summary>
/// Every title's search text (what a <c>q=</c> search matches: the title and the original title in lower case, as the
/// database keeps them), held in memory at one version of the titles: the sum of media_item_count's versions, which
/// every statement that changes a title moves, this instance's or another's. While that version holds, a search's total
/// is counted here. A substring cannot be looked up in a btree, so the database reads every title's index entry to count
/// one (10 ms at 100,000 titles); the held texts, 1.7 million characters for as many titles, are searched in well under
/// a millisecond. After the titles change, the texts are read again in the background, one read at a time and for at
/// most a tenth of the time; meanwhile the database counts. The page itself is always read from the database.
/// </summary>
internal sealed class TitleSearchTexts(IServiceScopeFactory scopes, ILogger<TitleSearchTexts> logger) : IAsyncDisposable, IDisposable
{
    /// <summary>At most 8 million characters (16 MB, about 450,000 titles of TMDB's lengths); a larger library is counted by the database.</summary>
    internal const int MostChars = 8 * 1024 * 1024;

    private static readonly TimeSpan TooManyWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FailedWait = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile Held? _held;
    private Task _reading = Task.CompletedTask;
    private long _nextReadAt;

    /// <summary>Whether texts are held (at some version): only then is the titles' version worth reading first.</summary>
    public bool Holds => _held is not null;

    /// <summary>How many titles (of the type) match, if the texts held are those of this version of the titles.</summary>
    public int? Count(long version, string search, MediaType? type) =>
        _held is { } held && held.Version == version && search.Length > 0 ? held.Count(search, type) : null;

    /// <summary>Reads the texts again in the background, unless a read runs or the last one ended too recently.</summary>
    public void Refresh()
    {
        lock (_lock)
        {
            if (!_reading.IsCompleted || Environment.TickCount64 < _nextReadAt || _stopping.IsCancellationRequested) return;
            // Not the request's context (its activity, its log scopes): the read outlives it.
            using (ExecutionContext.SuppressFlow()) _reading = Task.Run(ReadAsync);
        }
    }

    /// <summary>Reads the texts now (after any read running), whenever the last read was: for tests.</summary>
    internal async Task ReadNowAsync()
    {
        Task reading;
        lock (_lock) reading = _reading;
        await reading;
        lock (_lock) reading = _reading = Task.Run(ReadAsync);
        await reading;
    }

    private async Task ReadAsync()
    {
        var watch = Stopwatch.StartNew();
        var wait = TimeSpan.Zero;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var (held, tooMany) = await Held.ReadAsync(scope.ServiceProvider.GetRequiredService<MediaDbContext>(), _stopping.Token);
            _held = held;
            if (tooMany)
            {
                wait = TooManyWait;
                logger.LogInformation("The titles' search texts exceed {Chars} characters: searches are counted by the database", MostChars);
            }
            else if (held is not null)
                logger.LogDebug("Read {Titles} titles' search texts ({Chars} characters) in {Ms} ms", held.Titles, held.Chars, watch.ElapsedMilliseconds);
        }
        catch (Exception) when (_stopping.IsCancellationRequested) { } // shutting down
        catch (Exception e)
        {
            wait = FailedWait;
            logger.LogWarning(e, "The titles' search texts could not be read: searches are counted by the database");
        }
        finally
        {
            // Reading again at most a tenth of the time: while a scan adds titles, the version moves with every batch.
            var next = Environment.TickCount64 + Math.Max(9 * watch.ElapsedMilliseconds, (long)wait.TotalMilliseconds);
            lock (_lock) _nextReadAt = next;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task reading;
        lock (_lock)
        {
            _stopping.Cancel();
            reading = _reading;
        }
        await reading; // a read ends quietly once stopping
    }

    /// <summary>For a container disposed synchronously: the read is told to stop, not waited for.</summary>
    public void Dispose()
    {
        lock (_lock) _stopping.Cancel();
    }

    /// <summary>
    /// The texts end to end in one array, each title's start in another (and the end of the last), with each title's
    /// type: a search runs through the whole array once, vectorised, and finds each match's title by its start.
    /// </summary>
    internal sealed class Held
    {
        private readonly char[] _texts;
        private readonly int[] _starts;
        private readonly MediaType[] _types;

        internal Held(long version, char[] texts, int[] starts, MediaType[] types) =>
            (Version, _texts, _starts, _types) = (version, texts, starts, types);

        public long Version { get; }
        public int Titles => _types.Length;
        public int Chars => _starts[^1];

        /// <summary>The titles whose text holds the search (ordinal, as the database's LIKE on the kept lower-case text), once each.</summary>
        public int Count(string search, MediaType? type)
        {
            var all = _texts.AsSpan(0, Chars);
            var count = 0;
            var title = 0;
            for (var at = 0; at < all.Length;)
            {
                var found = all[at..].IndexOf(search.AsSpan());
                if (found < 0) break;
                found += at;
                // Matches come in order: the title holding this one is at or after the last one's.
                while (_starts[title + 1] <= found) title++;
                var end = _starts[title + 1];
                // A match running into the next title's text is no match (a later one starting in this title would too).
                if (found + search.Length <= end && (type is null || _types[title] == type)) count++;
                at = end;
            }
            return count;
        }

        /// <summary>Every title's text, with the titles' version read by the same statement (one snapshot).</summary>
        public static async Task<(Held? Held, bool TooMany)> ReadAsync(MediaDbContext db, CancellationToken ct)
        {
            var versions = db.Set<Configurations.MediaItemCount>();
            var rows = db.Set<MediaItem>().AsNoTracking().Select(m => new
            {
                m.Type,
                Text = EF.Property<string>(m, Configurations.MediaItemConfiguration.SearchTextProperty),
                Version = versions.Sum(c => c.Version),
            });
            var texts = new char[64 * 1024];
            var length = 0;
            var starts = new List<int> { 0 };
            var types = new List<MediaType>();
            long? version = null;
            await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                version = row.Version;
                if (row.Text.Length == 0) continue; // matches no search (none is empty)
                if (length + row.Text.Length > MostChars) return (null, true);
                if (length + row.Text.Length > texts.Length) Array.Resize(ref texts, Math.Min(MostChars, Math.Max(2 * texts.Length, length + row.Text.Length)));
                row.Text.CopyTo(texts.AsSpan(length));
                length += row.Text.Length;
                starts.Add(length);
                types.Add(row.Type);
            }
            return (version is { } v ? new Held(v, texts.AsSpan(0, length).ToArray(), [.. starts], [.. types]) : null, false);
        }
    }
}
