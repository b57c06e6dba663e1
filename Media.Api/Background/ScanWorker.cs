using System.Collections.Concurrent;
using System.Threading.Channels;
using Media.Application.Scanning;
using Media.Domain.Common;

namespace Media.Api.Background;

/// <summary>Wakes this instance's worker when a scan is queued here (the queue itself is the scan table).</summary>
internal sealed class ScanQueue : IScanQueue
{
    private readonly Channel<ScanId> _channel = Channel.CreateUnbounded<ScanId>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<ScanId> Reader => _channel.Reader;

    public ValueTask EnqueueAsync(ScanId scan, CancellationToken ct) => _channel.Writer.WriteAsync(scan, ct);
}

/// <summary>
/// Takes scans from the durable queue (queued rows of the scan table, oldest first), a few at a time, each in its own
/// scope. Every instance on one database takes from the same queue; a claim (queued to running) makes each scan run
/// once. A running scan whose lease ran out (Scans__LeaseTimeout, default 15 s without a heartbeat: its instance died)
/// goes back to the queue and is run again from the start by whoever claims it. Woken at once by a scan queued in this
/// instance, and otherwise every Scans__PollInterval (default 2 s).
/// </summary>
internal sealed class ScanWorker(ScanQueue queue, IServiceScopeFactory scopes, IScanLedger ledger, IConfiguration configuration,
    TimeProvider clock, ILogger<ScanWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<ScanId, byte> _running = new();

    /// <summary>The scans this instance is running now.</summary>
    public IReadOnlyCollection<ScanId> Running => [.. _running.Keys];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = Math.Max(1, configuration.GetValue("Scans:Parallel", 2));
        var poll = configuration.GetValue("Scans:PollInterval", TimeSpan.FromSeconds(2));
        var lease = configuration.GetValue("Scans:LeaseTimeout", TimeSpan.FromSeconds(15));
        var tasks = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var expired = await ledger.RequeueExpiredAsync(clock.GetUtcNow() - lease, stoppingToken);
                if (expired > 0) logger.LogWarning("{Count} running scans lost their instance and went back to the queue", expired);
                tasks.RemoveAll(t => t.IsCompleted);
                if (tasks.Count < slots)
                {
                    foreach (var id in await ledger.QueuedAsync(stoppingToken))
                    {
                        if (tasks.Count >= slots) break;
                        if (_running.ContainsKey(id)) continue;
                        if (await TryRunAsync(id, stoppingToken) is { } started) tasks.Add(started);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The scan queue could not be read; trying again");
            }
            await WaitAsync(poll, tasks, stoppingToken);
        }
        await Task.WhenAll(tasks);
    }

    /// <summary>Claims and starts the scan; null when another instance (or worker) claimed it first.</summary>
    private async Task<Task?> TryRunAsync(ScanId id, CancellationToken stoppingToken)
    {
        var claimed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[id] = 0;
        var run = Task.Run(async () =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var runner = scope.ServiceProvider.GetRequiredService<ScanRunner>();
                await runner.RunAsync(id, stoppingToken, () => claimed.TrySetResult(true));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Scan {Scan} could not run", id.Value);
            }
            finally
            {
                claimed.TrySetResult(false);
                _running.TryRemove(id, out _);
            }
            if (_running.IsEmpty && configuration.GetValue("Scans:ReturnMemory", true)) ReturnMemory();
        }, CancellationToken.None);
        return await claimed.Task ? run : null;
    }

    /// <summary>
    /// When the last running scan has ended, the collector gives back what the scans used (one compacting collection
    /// that returns free memory to the system): a media server idles for hours between scans on a machine it shares.
    /// Without it the next scan started from the last one's high-water mark (ScanBenchmark, 100,000 files: the re-scans
    /// after a first scan climbed from 263 to 368 MB resident).
    /// </summary>
    private static void ReturnMemory() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>Until the poll interval passes, a scan is queued in this instance, or a slot frees up.</summary>
    private async Task WaitAsync(TimeSpan poll, List<Task> tasks, CancellationToken ct)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var queued = queue.Reader.WaitToReadAsync(wake.Token).AsTask();
            await Task.WhenAny([Task.Delay(poll, clock, wake.Token), queued, .. tasks]);
            while (queue.Reader.TryRead(out _)) { }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // woken
        }
        finally
        {
            await wake.CancelAsync();
        }
    }
}
