using Media.Application.Probing;
using Media.Domain.Common;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Probes;
using Media.Infrastructure.Persistence;
using Media.Tests.Domain;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Probing;

/// <summary>The probe queue on real databases: requests, claims that one claimant wins, results a newer request makes stale.</summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class ProbeQueueTests(Provider provider) : DatabaseTest(provider)
{
    private static readonly DateTimeOffset At = A.At;

    private string _root = "";

    private IProbeQueue Queue => Get<IProbeQueue>();

    private async Task<List<MediaFileId>> FilesAsync(int count)
    {
        var db = Get<MediaDbContext>();
        // One database per fixture: each test starts with an empty queue, and files of its own library.
        await db.Set<MediaFileProbe>().ExecuteDeleteAsync(Ct);
        await db.Set<MediaFile>().ExecuteDeleteAsync(Ct);
        _root = $"/srv/media/movies-{Guid.NewGuid():N}";
        var library = A.MovieLibrary(_root);
        var item = MediaItem.Movie(Random.Shared.Next(1, int.MaxValue), "The Matrix", null, 1999, At);
        db.AddRange(library, item);
        var files = Enumerable.Range(0, count)
            .Select(i => MediaFile.Create(library, item, null, $"Movie {i}/Movie {i}.mkv", FileState.Verified(100 + i, At), At).Value).ToList();
        db.AddRange(files);
        await db.SaveChangesAsync(Ct);
        return files.Select(f => f.Id).ToList();
    }

    private async Task<List<MediaFileProbe>> RowsAsync() =>
        await InNewScope(async s => await s.GetRequiredService<MediaDbContext>().Set<MediaFileProbe>().AsNoTracking().ToListAsync(Ct));

    [Test]
    public async Task Request_AddsARowPerStoredFile_AndPassesOverUnknownIds()
    {
        var files = await FilesAsync(3);
        await Queue.RequestAsync([.. files, new MediaFileId(Guid.NewGuid())], At, Ct);
        await Queue.RequestAsync(files, At.AddMinutes(1), Ct); // again: the same rows, asked again

        var rows = await RowsAsync();
        Assert.That(rows.Select(r => r.MediaFileId), Is.EquivalentTo(files));
        Assert.That(rows.Select(r => (r.Needed, r.Status, r.RequestedAt)), Is.All.EqualTo((true, ProbeStatus.Pending, At.AddMinutes(1))));
        Assert.That(await Queue.NeededCountAsync(Ct), Is.EqualTo(3));
    }

    [Test]
    public async Task RequestUnprobed_QueuesFilesWithoutARow()
    {
        var files = await FilesAsync(3);
        await Queue.RequestAsync([files[0]], At, Ct);
        Assert.That(await Queue.RequestUnprobedAsync(At, Ct), Is.EqualTo(2));
        Assert.That((await RowsAsync()).Select(r => r.MediaFileId), Is.EquivalentTo(files));
        Assert.That(await Queue.RequestUnprobedAsync(At, Ct), Is.Zero);
    }

    [Test]
    public async Task Claims_OfTwoClaimantsAtOnce_TakeEachFileOnce()
    {
        var files = await FilesAsync(40);
        await Queue.RequestAsync(files, At, Ct);

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var mine = new List<ProbeWork>();
            while (await Queue.ClaimAsync(5, $"instance {i}", At, At.AddMinutes(-5), Ct) is { Count: > 0 } batch) mine.AddRange(batch);
            return mine;
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.That(all.Select(w => w.File), Is.EquivalentTo(files), "every file claimed exactly once");
        Assert.That(all.Select(w => (w.StorageProvider, w.StorageRoot)), Is.All.EqualTo(("local", _root)));
        Assert.That(await Queue.ClaimAsync(5, "late", At, At.AddMinutes(-5), Ct), Is.Empty, "claimed files are not claimed again while their claim lives");
        Assert.That(await Queue.ClaimAsync(50, "after the lease", At.AddMinutes(10), At.AddMinutes(5), Ct), Has.Count.EqualTo(40),
            "a claim older than the lease (its instance died) is taken over");
    }

    [Test]
    public async Task Complete_RecordsTheResultAndStreams_UnlessANewRequestCameMeanwhile()
    {
        var files = await FilesAsync(2);
        await Queue.RequestAsync(files, At, Ct);
        var work = await Queue.ClaimAsync(10, "me", At, At.AddMinutes(-5), Ct);
        var streams = new List<MediaStream>
        {
            new(0, StreamKind.Video, "hevc", "Main 10", 3840, 2160, 23.976, 10, "hdr10", null, null, null, null, true, false),
            new(1, StreamKind.Audio, "eac3", null, null, null, null, null, null, 6, "5.1(side)", "eng", "Atmos", true, false),
        };
        var media = new ProbedMedia("matroska,webm", 7200, 25_000_000, streams);
        var first = work.Single(w => w.File == files[0]);
        var second = work.Single(w => w.File == files[1]);

        Assert.That(await Queue.CompleteAsync(first, p => p.Probed(media, 100, At, At), streams, Ct), Is.True);
        await Queue.RequestAsync([files[1]], At.AddSeconds(1), Ct); // the file changed while its probe ran
        Assert.That(await Queue.CompleteAsync(second, p => p.Probed(media, 101, At, At), streams, Ct), Is.False, "a stale result is dropped");

        var rows = (await RowsAsync()).ToDictionary(r => r.MediaFileId);
        Assert.That((rows[files[0]].Status, rows[files[0]].Needed, rows[files[0]].Resolution, rows[files[0]].HdrFormat, rows[files[0]].FileSize),
            Is.EqualTo((ProbeStatus.Probed, false, "2160p", "hdr10", 100L)));
        Assert.That((rows[files[1]].Status, rows[files[1]].Needed), Is.EqualTo((ProbeStatus.Pending, true)));
        var kept = await InNewScope(async s => await s.GetRequiredService<IProbeReader>().FindAsync(files[0], Ct));
        Assert.That(kept!.Value.Streams, Is.EqualTo(streams));

        // A new probe of the same file replaces its streams.
        await Queue.RequestAsync([files[0]], At.AddMinutes(1), Ct);
        var again = (await Queue.ClaimAsync(10, "me", At.AddMinutes(1), At, Ct)).Single(w => w.File == files[0]);
        Assert.That(await Queue.CompleteAsync(again, p => p.Failed("moov atom not found", 50, At, At), [], Ct), Is.True);
        kept = await InNewScope(async s => await s.GetRequiredService<IProbeReader>().FindAsync(files[0], Ct));
        Assert.That((kept!.Value.Probe.Status, kept.Value.Probe.Error, kept.Value.Streams.Count), Is.EqualTo((ProbeStatus.Failed, "moov atom not found", 0)));
    }
}
