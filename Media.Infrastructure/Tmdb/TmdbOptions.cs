namespace Media.Infrastructure.Tmdb;

/// <summary>The "Tmdb" configuration section (Tmdb__ApiKey, Tmdb__BaseUrl, ...).</summary>
public sealed class TmdbOptions
{
    public const string Section = "Tmdb";

    public string? ApiKey { get; set; }
    public string BaseUrl { get; set; } = "https://api.themoviedb.org/3/";
    public string Language { get; set; } = "en-US";

    /// <summary>
    /// Client-side limit. TMDB enforces about 50 requests per second per IP address (429 above it); 40 keeps a fifth
    /// of that for anything else on the same address and for retries, and the 429 handling covers the rest.
    /// </summary>
    public int RequestsPerSecond { get; set; } = 40;
    public int MaxConcurrentRequests { get; set; } = 8;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public int MaxRetries { get; set; } = 5;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
