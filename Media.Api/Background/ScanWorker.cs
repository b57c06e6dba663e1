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
        await RequeueAsync(stoppingToken);
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

    /// <summary>
    /// Scans still queued in the database (this instance stopped before running them) run now: a queued scan is never
    /// abandoned, so it must never be forgotten either. Claiming (queued to running) makes a scan run once.
    /// </summary>
    private async Task RequeueAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            foreach (var scan in await scope.ServiceProvider.GetRequiredService<IScanRepository>().ListAsync(new QueuedScans(), ct))
                await queue.EnqueueAsync(scan.Id, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Queued scans could not be read at start-up; they run when this instance next starts");
        }
    }
}
