using System.Threading.Channels;
using Media.Application.Scanning;
using Media.Domain.Common;

namespace Media.Api.Background;

/// <summary>Queued scans of this instance, in the order they were asked for.</summary>
internal sealed class ScanQueue : IScanQueue
{
    private readonly Channel<ScanId> _channel = Channel.CreateUnbounded<ScanId>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<ScanId> Reader => _channel.Reader;

    public ValueTask EnqueueAsync(ScanId scan, CancellationToken ct) => _channel.Writer.WriteAsync(scan, ct);
}

/// <summary>Runs queued scans in the background, a few libraries at a time, each in its own scope.</summary>
internal sealed class ScanWorker(ScanQueue queue, IServiceScopeFactory scopes, ILogger<ScanWorker> logger) : BackgroundService
{
    private const int Parallel = 2;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(Parallel);
        var running = new List<Task>();
        try
        {
            await foreach (var scan in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        await scope.ServiceProvider.GetRequiredService<ScanRunner>().RunAsync(scan, stoppingToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogError(e, "Scan {Scan} could not run", scan.Value);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        await Task.WhenAll(running);
    }
}
