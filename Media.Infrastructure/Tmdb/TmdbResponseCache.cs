using System.Threading.Channels;
using Media.Domain.Caching;
using Media.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Media.Infrastructure.Tmdb;

/// <summary>
/// Two levels: memory (a scan asks for the same show hundreds of times) and the api_cache table (survives restarts,
/// shared by instances). Answers reach the table behind the request, in batches, so that a scan asking TMDB thousands
/// of questions does not wait for a database write after each. A null body is a cached "not found".
/// </summary>
internal sealed class TmdbResponseCache : IAsyncDisposable, IDisposable, Microsoft.Extensions.Hosting.IHostedService
{
    private static readonly TimeSpan MemoryLifetime = TimeSpan.FromMinutes(30);
    // A 404, kept like an answer. Not a body TMDB sends (JSON); PostgreSQL's text holds no NUL, the mark of earlier versions.
    private const string NotFound = "#404";
    private const string EarlierNotFound = "\u0000404";
    private const int WriteBatch = 200;
    private static readonly TimeSpan GatherFor = TimeSpan.FromMilliseconds(100);
    private const int ReadChunk = 500;

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly ILogger<TmdbResponseCache> _logger;
    // Sized by the answers' text, not their number: a season's answer is tens of kilobytes, a search's one or two, and
    // 4,096 entries of whatever size held a series scan's answers (about 30 MB) for good.
    private readonly MemoryCache _memory = new(new MemoryCacheOptions { SizeLimit = MemoryBudgetChars, CompactionPercentage = 0.25 });
    private readonly Channel<(string Key, string Value, DateTimeOffset ExpiresAt)> _writes =
        Channel.CreateUnbounded<(string, string, DateTimeOffset)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private int _pending;
    private volatile bool _closing;

    /// <summary>
    /// Answers read ahead for questions about to be asked (<see cref="ReadyAsync"/>), held apart from the memory level:
    /// after a scan's thousands of answers that level is full and turns new entries away, and every readied answer
    /// would be read again from the table, one query each. Kept a few minutes from their reading.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Value, DateTimeOffset ExpiresAt, DateTimeOffset ReadAt)> _readied =
        new(StringComparer.Ordinal);
    private static readonly TimeSpan ReadiedLifetime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Answers on their way to the table (written every 100 ms): they answer until written, whatever the memory level
    /// (which turns new entries away while it is full) kept, so that a question asked again at once is not asked of TMDB.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Value, DateTimeOffset ExpiresAt)> _unwritten =
        new(StringComparer.Ordinal);

    public TmdbResponseCache(IServiceScopeFactory scopes, TimeProvider clock, ILogger<TmdbResponseCache> logger)
    {
        (_scopes, _clock, _logger) = (scopes, clock, logger);
        _writer = Task.Run(WriteLoopAsync);
    }

    private readonly SemaphoreSlim _keysGate = new(1, 1);
    // The hashes of the keys the table holds, not the keys (tens of thousands of URLs after a first scan, held for good):
    // a hash another key shares only costs a read of the table that finds nothing.
    private System.Collections.Concurrent.ConcurrentDictionary<int, byte>? _storedKeys;
    private DateTimeOffset _storedKeysAt;
    private static readonly TimeSpan StoredKeysLifetime = TimeSpan.FromMinutes(10);

    public async Task<(bool Hit, string? Body)> GetAsync(string key, CancellationToken ct)
    {
        if (_memory.TryGetValue(key, out string? cached)) return (true, BodyOf(cached!));
        if (_readied.TryGetValue(key, out var ready) && ready.ExpiresAt > _clock.GetUtcNow()) return (true, BodyOf(ready.Value));
        if (_unwritten.TryGetValue(key, out var unwritten) && unwritten.ExpiresAt > _clock.GetUtcNow()) return (true, BodyOf(unwritten.Value));
        // Which keys the table holds is known in memory: a first scan's thousands of new questions skip the database.
        if (!(await StoredKeysAsync(ct)).ContainsKey(Hash(key))) return (false, null);
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        var now = _clock.GetUtcNow();
        var entry = await db.Set<ApiCacheEntry>().AsNoTracking().FirstOrDefaultAsync(e => e.Key == key, ct);
        if (entry is null || !entry.IsFresh(now)) return (false, null);
        Remember(key, entry.Value, entry.ExpiresAt - now);
        return (true, BodyOf(entry.Value));
    }

    private static string? BodyOf(string value) => value is NotFound or EarlierNotFound ? null : value;

    /// <summary>Reads the table's fresh answers for these keys ahead of their questions, a few hundred keys a query.</summary>
    public async Task ReadyAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        foreach (var (key, old) in _readied)
            if (now - old.ReadAt > ReadiedLifetime || old.ExpiresAt <= now) _readied.TryRemove(key, out _);
        var stored = await StoredKeysAsync(ct);
        var wanted = keys.Where(k => stored.ContainsKey(Hash(k)) && !_memory.TryGetValue(k, out _) && !_readied.ContainsKey(k))
            .Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0) return;
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        foreach (var chunk in wanted.Chunk(ReadChunk))
            foreach (var entry in await db.Set<ApiCacheEntry>().AsNoTracking().Where(e => chunk.Contains(e.Key)).ToListAsync(ct))
                if (entry.IsFresh(now)) _readied[entry.Key] = (entry.Value, entry.ExpiresAt, now);
    }

    private static int Hash(string key) => StringComparer.Ordinal.GetHashCode(key);

    private async Task<System.Collections.Concurrent.ConcurrentDictionary<int, byte>> StoredKeysAsync(CancellationToken ct)
    {
        var keys = _storedKeys;
        if (keys is not null && _clock.GetUtcNow() - _storedKeysAt < StoredKeysLifetime) return keys;
        await _keysGate.WaitAsync(ct);
        try
        {
            if (_storedKeys is not null && _clock.GetUtcNow() - _storedKeysAt < StoredKeysLifetime) return _storedKeys;
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
            var now = _clock.GetUtcNow();
            var loaded = new System.Collections.Concurrent.ConcurrentDictionary<int, byte>();
            await foreach (var key in db.Set<ApiCacheEntry>().AsNoTracking().Where(e => e.ExpiresAt > now).Select(e => e.Key).AsAsyncEnumerable().WithCancellation(ct))
                loaded[Hash(key)] = 0;
            (_storedKeys, _storedKeysAt) = (loaded, now);
            return loaded;
        }
        finally
        {
            _keysGate.Release();
        }
    }

    public Task StoreAsync(string key, string? body, TimeSpan ttl, CancellationToken ct)
    {
        var value = body ?? NotFound;
        var now = _clock.GetUtcNow();
        var expires = now + ttl;
        Remember(key, value, ttl);
        if (_readied.ContainsKey(key)) _readied[key] = (value, expires, now);
        Interlocked.Increment(ref _pending);
        _unwritten[key] = (value, expires);
        if (!_writes.Writer.TryWrite((key, value, expires)))
        {
            Interlocked.Decrement(ref _pending);
            _unwritten.TryRemove(KeyValuePair.Create(key, (value, expires)));
        }
        return Task.CompletedTask;
    }

    private async Task WriteLoopAsync()
    {
        var reader = _writes.Reader;
        var batch = new Dictionary<string, (string Value, DateTimeOffset ExpiresAt)>(StringComparer.Ordinal);
        while (await reader.WaitToReadAsync())
        {
            // A moment for more answers to arrive: a scan stores hundreds a second, one or two at a time; a statement
            // (and a scope, a connection) each was most of what the table cost. The memory level answers meanwhile.
            if (Volatile.Read(ref _pending) < WriteBatch && !_closing) await Task.Delay(GatherFor);
            var taken = 0;
            while (taken < WriteBatch && reader.TryRead(out var item))
            {
                batch[item.Key] = (item.Value, item.ExpiresAt);
                taken++;
            }
            try
            {
                await WriteAsync(batch);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // The memory copy answers while it is kept; the table is only a second chance after a restart.
                _logger.LogWarning(e, "{Count} TMDB answers could not be written to api_cache", batch.Count);
            }
            // Written (or not writable: then asked again when needed); a newer answer for a key waits for its own write.
            foreach (var (key, entry) in batch) _unwritten.TryRemove(KeyValuePair.Create(key, entry));
            batch.Clear();
            Interlocked.Add(ref _pending, -taken);
        }
    }

    /// <summary>
    /// The batch in one multi-row upsert (the newest answer wins a key: another instance's is as good as ours), nothing
    /// read first and nothing tracked.
    /// </summary>
    private async Task WriteAsync(Dictionary<string, (string Value, DateTimeOffset ExpiresAt)> batch)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        var now = _clock.GetUtcNow();
        var rows = batch.Where(b => b.Value.ExpiresAt > now)
            .Select(b => new object[]
            {
                b.Key, b.Value.Value, db.Stored<ApiCacheEntry>(nameof(ApiCacheEntry.ExpiresAt), b.Value.ExpiresAt.ToUniversalTime())!,
                db.Stored<ApiCacheEntry>(nameof(ApiCacheEntry.CreatedAt), now.ToUniversalTime())!,
            }).ToList();
        if (rows.Count > 0)
        {
            var (sql, parameters) = StoredValues.Rows("INSERT INTO api_cache (key, value, expires_at, created_at) VALUES ",
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, created_at = excluded.created_at", rows);
            await db.Database.ExecuteSqlRawAsync(sql, parameters);
        }
        if (_storedKeys is { } stored) foreach (var key in batch.Keys) stored[Hash(key)] = 0;
    }

    /// <summary>Waits until every answer stored so far is in the table (tests, shutdown).</summary>
    internal async Task DrainAsync()
    {
        for (var i = 0; i < 400 && Volatile.Read(ref _pending) > 0; i++) await Task.Delay(25);
    }

    private void Remember(string key, string value, TimeSpan ttl)
    {
        var lifetime = ttl < MemoryLifetime ? ttl : MemoryLifetime;
        if (lifetime > TimeSpan.Zero) _memory.Set(key, value, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = value.Length });
    }

    /// <summary>Whether the memory level holds an answer for the key (tests).</summary>
    internal bool InMemory(string key) => _memory.TryGetValue(key, out _);

    /// <summary>The memory level's budget, in characters of answers (4 MB).</summary>
    internal const long MemoryBudgetChars = 2_000_000;

    /// <summary>Drops the memory level (tests; the table keeps its entries).</summary>
    internal void ClearMemory()
    {
        _memory.Clear();
        _readied.Clear();
        _storedKeys = null;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The host stops: what is not in the table yet is written now, while the database is still there to write to (at
    /// the container's disposal, after it, no scope can be made any more).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _closing = true;
        _writes.Writer.TryComplete();
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        _writes.Writer.TryComplete();
        await _writer.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _memory.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
