using System.Net;
using System.Threading.RateLimiting;
using Media.Application.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Media.Infrastructure.Tmdb;

internal static class TmdbRegistration
{
    /// <summary>
    /// Outer to inner: retries (jittered exponential backoff; a 429's Retry-After is honoured), a circuit breaker,
    /// the client-side rate limit, and a timeout per attempt.
    /// </summary>
    public static IServiceCollection AddTmdb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TmdbOptions>().Bind(configuration.GetSection(TmdbOptions.Section))
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "Tmdb:BaseUrl must be an absolute URL ending in /3/.");
        services.AddSingleton<TmdbResponseCache>();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<TmdbResponseCache>());
        services.AddHttpClient<IMetadataSource, TmdbClient>((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<TmdbOptions>>().Value;
                client.BaseAddress = new Uri(options.BaseUrl.EndsWith('/') ? options.BaseUrl : options.BaseUrl + "/");
                client.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's timeouts govern
                client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
            })
            // The factory's request logging is not wanted: its URLs carry the API key, the client logs what fails itself,
            // and its two handlers and logging scope cost every request of a first scan (tens of thousands) something.
            .RemoveAllLoggers()
            .AddResilienceHandler("tmdb", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<TmdbOptions>>().Value;
                pipeline
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.RetryBaseDelay,
                        MaxDelay = TimeSpan.FromSeconds(30),
                        ShouldRetryAfterHeader = true,
                        ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                        {
                            { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
                            { Result: { } r } => r.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
                                                 || (int)r.StatusCode >= 500,
                            _ => false,
                        }),
                    })
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        FailureRatio = 0.8,
                        MinimumThroughput = 20,
                        SamplingDuration = TimeSpan.FromSeconds(30),
                        BreakDuration = options.BreakDuration,
                        ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                        {
                            { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
                            { Result: { } r } => (int)r.StatusCode >= 500,
                            _ => false,
                        }),
                    })
                    .AddRateLimiter(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = Math.Max(1, options.RequestsPerSecond),
                        TokensPerPeriod = Math.Max(1, options.RequestsPerSecond),
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 10_000,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                        AutoReplenishment = true,
                    }))
                    .AddConcurrencyLimiter(Math.Max(1, options.MaxConcurrentRequests), 10_000)
                    .AddTimeout(options.AttemptTimeout);
            });
        return services;
    }
}
