namespace Media.Domain.Caching;

/// <summary>A cached answer of an outside API (TMDB), kept until it expires.</summary>
public sealed class ApiCacheEntry
{
    private ApiCacheEntry() { } // for EF

    public string Key { get; private set; } = "";
    public string Value { get; private set; } = "";
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static ApiCacheEntry Create(string key, string value, DateTimeOffset expiresAt, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(key)) throw new ArgumentException("A key is required.", nameof(key));
        if (expiresAt <= at) throw new ArgumentOutOfRangeException(nameof(expiresAt), "An entry expires after it is made.");
        return new ApiCacheEntry { Key = key, Value = value ?? "", ExpiresAt = expiresAt, CreatedAt = at };
    }

    public bool IsFresh(DateTimeOffset now) => now < ExpiresAt;

    public void Replace(string value, DateTimeOffset expiresAt, DateTimeOffset at) => (Value, ExpiresAt, CreatedAt) = (value ?? "", expiresAt, at);
}
