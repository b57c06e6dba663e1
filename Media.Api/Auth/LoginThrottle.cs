using System.Collections.Concurrent;

namespace Media.Api.Auth;

/// <summary>
/// Failed logins, counted per username and per client address in a sliding window. Past the limit, logins from
/// that address or for that user are refused (429) until the window moves on, whatever the password.
/// </summary>
internal sealed class LoginThrottle(TimeProvider clock)
{
    public const int MaxFailuresPerUser = 5;
    public const int MaxFailuresPerAddress = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>How long to wait before trying again, or null when a try is allowed now.</summary>
    public TimeSpan? RetryAfter(string? username, string? address)
    {
        var now = clock.GetUtcNow();
        TimeSpan? wait = null;
        foreach (var (key, limit) in Keys(username, address))
        {
            if (!_failures.TryGetValue(key, out var times)) continue;
            lock (times)
            {
                while (times.Count > 0 && now - times.Peek() > Window) times.Dequeue();
                if (times.Count >= limit)
                {
                    var until = times.Peek() + Window - now;
                    wait = wait is null || until > wait ? until : wait;
                }
            }
        }
        return wait;
    }

    public void Failed(string? username, string? address)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, _) in Keys(username, address))
        {
            var times = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
            lock (times) times.Enqueue(now);
        }
        if (_failures.Count > 100_000) Prune(now);
    }

    public void Succeeded(string? username)
    {
        if (!string.IsNullOrWhiteSpace(username)) _failures.TryRemove($"user:{username.Trim().ToLowerInvariant()}", out _);
    }

    private static IEnumerable<(string Key, int Limit)> Keys(string? username, string? address)
    {
        if (!string.IsNullOrWhiteSpace(username)) yield return ($"user:{username.Trim().ToLowerInvariant()}", MaxFailuresPerUser);
        if (!string.IsNullOrWhiteSpace(address)) yield return ($"ip:{address}", MaxFailuresPerAddress);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, times) in _failures)
            lock (times)
                if (times.Count == 0 || now - times.Peek() > Window) _failures.TryRemove(key, out _);
    }
}
