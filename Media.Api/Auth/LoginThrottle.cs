namespace Media.Api.Auth;

/// <summary>
/// Failed logins, counted per username and per client address in a sliding window. An attempt is counted when it
/// begins, atomically with the check of the limit, so that parallel guesses cannot all reach the password check: past
/// the limit, logins from that address or for that user are refused (429) until the window moves on, whatever the
/// password. A successful attempt is taken back (and clears the user's failures).
/// </summary>
internal sealed class LoginThrottle(TimeProvider clock)
{
    public const int MaxFailuresPerUser = 5;
    public const int MaxFailuresPerAddress = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<(long Id, DateTimeOffset At)>> _attempts = new(StringComparer.Ordinal);
    private long _next;

    /// <summary>One counted attempt; hand it back with <see cref="Succeeded"/> when the password was right.</summary>
    public sealed record Attempt(long Id, IReadOnlyList<string> Keys);

    /// <summary>Counts an attempt, or says how long to wait when the user or the address is at its limit.</summary>
    public (Attempt? Attempt, TimeSpan? RetryAfter) Begin(string? username, string? address)
    {
        var now = clock.GetUtcNow();
        var keys = Keys(username, address).ToList();
        lock (_lock)
        {
            TimeSpan? wait = null;
            foreach (var (key, limit) in keys)
            {
                if (!_attempts.TryGetValue(key, out var times)) continue;
                while (times.Count > 0 && now - times.Peek().At > Window) times.Dequeue();
                if (times.Count < limit) continue;
                var until = times.Peek().At + Window - now;
                wait = wait is null || until > wait ? until : wait;
            }
            if (wait is not null) return (null, wait);
            var id = ++_next;
            foreach (var (key, _) in keys)
            {
                if (!_attempts.TryGetValue(key, out var times)) _attempts[key] = times = new Queue<(long, DateTimeOffset)>();
                times.Enqueue((id, now));
            }
            if (_attempts.Count > 100_000) Prune(now);
            return (new Attempt(id, keys.Select(k => k.Key).ToList()), null);
        }
    }

    /// <summary>The password was right: the attempt does not count, and the user's earlier failures are forgotten.</summary>
    public void Succeeded(Attempt attempt, string? username)
    {
        lock (_lock)
        {
            foreach (var key in attempt.Keys)
                if (_attempts.TryGetValue(key, out var times))
                    _attempts[key] = new Queue<(long, DateTimeOffset)>(times.Where(t => t.Id != attempt.Id));
            if (!string.IsNullOrWhiteSpace(username)) _attempts.Remove(UserKey(username));
        }
    }

    private static string UserKey(string username) => $"user:{username.Trim().ToLowerInvariant()}";

    private static IEnumerable<(string Key, int Limit)> Keys(string? username, string? address)
    {
        if (!string.IsNullOrWhiteSpace(username)) yield return (UserKey(username), MaxFailuresPerUser);
        if (!string.IsNullOrWhiteSpace(address)) yield return ($"ip:{address}", MaxFailuresPerAddress);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, times) in _attempts.ToList())
            if (times.Count == 0 || now - times.Last().At > Window) _attempts.Remove(key);
    }
}
