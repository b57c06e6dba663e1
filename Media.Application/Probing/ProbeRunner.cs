using Media.Application.Common;
using Media.Domain.Libraries;
using Media.Domain.Probes;
using Microsoft.Extensions.Logging;

namespace Media.Application.Probing;

/// <summary>
/// Drains the probe queue a batch at a time: claims needed files, and probes each (a bounded number at once) unless its
/// size and modification time are those of the kept result. A file ffprobe cannot read is recorded as failed with
/// ffprobe's message; nothing here throws for a file.
/// </summary>
public sealed class ProbeRunner(IProbeQueue queue, IMediaProbe probe, TimeProvider clock, ILogger<ProbeRunner> logger, InstanceIdentity? instance = null)
{
    /// <summary>Probes one claimed batch; how many files it claimed (0: the queue is empty).</summary>
    public async Task<int> RunBatchAsync(int max, int parallel, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var work = await queue.ClaimAsync(max, instance?.Name ?? Environment.MachineName, now, now - lease, ct);
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel), CancellationToken = ct },
            async (item, token) => await ProbeOneAsync(item, token));
        return work.Count;
    }

    private async Task ProbeOneAsync(ProbeWork work, CancellationToken ct)
    {
        try
        {
            if (work.StorageProvider != StorageLocation.LocalProvider)
            {
                await queue.CompleteAsync(work, p => p.Failed($"Not probed: ffprobe reads local files, and this library is in {work.StorageProvider} storage.",
                    0, clock.GetUtcNow(), clock.GetUtcNow()), [], ct);
                return;
            }
            var path = Path.Combine(work.StorageRoot, work.Path);
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                // Gone since it was seen: the scan marks it missing, and asks again when it is back.
                await queue.CompleteAsync(work, p => p.Unchanged(), null, ct);
                return;
            }
            var (size, modified) = (info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
            if (MediaFileProbe.SameBytes(work.Status, work.KeptSize, work.KeptModifiedAt, size, modified))
            {
                await queue.CompleteAsync(work, p => p.Unchanged(), null, ct);
                return;
            }
            var result = await probe.ProbeAsync(path, ct);
            if (result.Unavailable)
            {
                // Nothing learnt about the file: the claim runs out and the file is tried again.
                logger.LogWarning("Probe of {Path} could not run: {Reason}", work.Path, result.Error);
                return;
            }
            var at = clock.GetUtcNow();
            var recorded = result.Media is { } media
                ? await queue.CompleteAsync(work, p => p.Probed(media, size, modified, at), media.Streams, ct)
                : await queue.CompleteAsync(work, p => p.Failed(result.Error ?? "ffprobe could not read the file.", size, modified, at), [], ct);
            if (!recorded) logger.LogInformation("Probe of {Path} was asked for again while it ran; its result is dropped", work.Path);
            else if (!result.Succeeded) logger.LogInformation("Probe of {Path} failed: {Error}", work.Path, result.Error);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A save that failed: the claim runs out and another round takes the file again.
            logger.LogWarning(e, "Probe of {Path} could not be recorded", work.Path);
        }
    }
}
