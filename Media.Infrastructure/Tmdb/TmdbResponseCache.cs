using Media.Domain.Caching;
using Media.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Media.Infrastructure.Tmdb;

/// <summary>
/// Two levels: memory (a scan asks for the same show hundreds of times) and the api_cache table (survives restarts,
/// shared by instances). A null body is a cached "not found".
/// </summary>
internal sealed class TmdbResponseCache(
    IServiceScopeFactory scopes, TimeProvider clock, ILogger<TmdbResponseCache> logger) : IDisposable
{
    private static readonly TimeSpan MemoryLifetime = TimeSpan.FromMinutes(30);
    private const string NotFound = "\u0000404";

    private readonly MemoryCache _memory = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    public async Task<(bool Hit, string? Body)> GetAsync(string key, CancellationToken ct)
    {
        if (_memory.TryGetValue(key, out string? cached)) return (true, cached == NotFound ? null : cached);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        var now = clock.GetUtcNow();
        var entry = await db.Set<ApiCacheEntry>().AsNoTracking().FirstOrDefaultAsync(e => e.Key == key, ct);
        if (entry is null || !entry.IsFresh(now)) return (false, null);
        Remember(key, entry.Value, entry.ExpiresAt - now);
        return (true, entry.Value == NotFound ? null : entry.Value);
    }

    public async Task StoreAsync(string key, string? body, TimeSpan ttl, CancellationToken ct)
    {
        var value = body ?? NotFound;
        Remember(key, value, ttl);
        var now = clock.GetUtcNow();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
            var entry = await db.Set<ApiCacheEntry>().FirstOrDefaultAsync(e => e.Key == key, ct);
            if (entry is null) db.Add(ApiCacheEntry.Create(key, value, now + ttl, now));
            else entry.Replace(value, now + ttl, now);
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e)
        {
            // Another request stored the same answer first: the memory copy is enough.
            logger.LogDebug(e, "api_cache entry {Key} was written concurrently", key);
        }
    }

    private void Remember(string key, string value, TimeSpan ttl)
    {
        var lifetime = ttl < MemoryLifetime ? ttl : MemoryLifetime;
        if (lifetime > TimeSpan.Zero) _memory.Set(key, value, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = 1 });
    }

    /// <summary>Drops the memory level (tests; the table keeps its entries).</summary>
    internal void ClearMemory() => _memory.Clear();

    public void Dispose() => _memory.Dispose();
}
