using System.Runtime.CompilerServices;
using Media.Application.Libraries;
using Media.Application.Metadata;
using Media.Application.Scanning;
using Media.Application.Storage;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Scans;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace Media.Tests.Scanning;

/// <summary>
/// A known file is verified when the walk sees it (beside the walk, not by one update after it): a walk that breaks
/// off part way keeps what it saw verified, and what it did not see keeps its earlier verification, never missing.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class VerifiedAsSeenScanTests(Provider provider) : DatabaseTest(provider)
{
    private const int Seen = 3_000; // more than one chunk of the writes beside the walk
    private const int NotSeen = 40;

    /// <summary>Walks the first <see cref="Seen"/> files of the list, then the root goes away (when <c>breaks</c>).</summary>
    private sealed class ListedStorage(IReadOnlyList<string> paths, bool breaks) : ILibraryStorage
    {
        public Task<string?> UnavailableReasonAsync(CancellationToken ct) => Task.FromResult<string?>(null);

        public async IAsyncEnumerable<StoredFile> WalkAsync(string? folder, Func<string, bool> skipFolder, Action<WalkProblem> onProblem,
            [EnumeratorCancellation] CancellationToken ct)
        {
            await Task.Yield();
            for (var i = 0; i < paths.Count; i++)
            {
                if (breaks && i == Seen) throw new StorageUnavailableException("the share went away");
                yield return new StoredFile(paths[i], 10, Then);
            }
        }

        public Task<StoredFile?> StatAsync(string path, CancellationToken ct) => Task.FromResult<StoredFile?>(null);
    }

    private static int _tmdbId = 717_100;
    private static readonly DateTimeOffset Then = new(2026, 10, 1, 12, 0, 0, TimeSpan.Zero);

    private async Task<(Library Library, List<string> Paths)> KnownLibraryAsync()
    {
        var library = Library.Create("Verified", LibraryKind.Movies, StorageLocation.Local($"/srv/{Guid.NewGuid():N}"), Then).Value;
        var item = MediaItem.Movie(Interlocked.Increment(ref _tmdbId), "Verified", null, 2001, Then);
        var paths = Enumerable.Range(0, Seen + NotSeen).Select(i => $"Verified {i:D5} (2001)/Verified {i:D5} (2001).mkv").ToList();
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(library, item);
            db.AddRange(paths.Select(p => MediaFile.Create(library, item, null, p, FileState.Verified(10, Then), Then).Value));
            await db.SaveChangesAsync(Ct);
        });
        return (library, paths);
    }

    private async Task<(Scan Scan, Dictionary<string, FileState> States)> ScanAsync(Library library, ILibraryStorage storage)
    {
        var scan = Scan.Queue(library.Id, null, Then).Value;
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Add(scan);
            await db.SaveChangesAsync(Ct);
        });
        var storages = Substitute.For<ILibraryStorageFactory>();
        storages.For(Arg.Any<StorageLocation>()).Returns(storage);
        var runner = new ScanRunner(Get<IScanRepository>(), Get<ILibraryRepository>(), Get<IScanStore>(), storages,
            Substitute.For<IMetadataSource>(), Get<IScanLedger>(), TimeProvider.System, NullLogger<ScanRunner>.Instance);
        await runner.RunAsync(scan.Id, Ct);
        return await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            return (await db.Set<Scan>().AsNoTracking().SingleAsync(x => x.Id == scan.Id, Ct),
                    await db.Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == library.Id).ToDictionaryAsync(f => f.Path, f => f.State, Ct));
        });
    }

    [Test]
    public async Task A_walk_that_breaks_off_keeps_the_files_it_saw_verified_and_the_rest_as_they_were()
    {
        var (library, paths) = await KnownLibraryAsync();
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);

        var (scan, states) = await ScanAsync(library, new ListedStorage(paths, breaks: true));

        Assert.That(scan.Status, Is.EqualTo(ScanStatus.Failed));
        Assert.That(scan.Error, Does.Contain("became unavailable"));
        var seen = paths.Take(Seen).Select(p => states[p]).ToList();
        var unseen = paths.Skip(Seen).Select(p => states[p]).ToList();
        Assert.That(seen.Count(s => s.Exists && s.LastVerifiedAt >= started), Is.EqualTo(Seen), "every file the walk saw was verified when seen");
        Assert.That(unseen.All(s => s.Exists && s.LastVerifiedAt == Then), "the files it did not see: neither missing nor verified");
    }

    [Test]
    public async Task A_complete_walk_verifies_every_file_it_saw_between_the_scan_start_and_end_and_marks_the_rest_missing()
    {
        var (library, paths) = await KnownLibraryAsync();
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);

        var (scan, states) = await ScanAsync(library, new ListedStorage(paths.Take(Seen).ToList(), breaks: false));

        Assert.That((scan.Status, scan.FilesSeen, scan.FilesMissing), Is.EqualTo((ScanStatus.Completed, Seen, NotSeen)));
        Assert.That(paths.Take(Seen).Count(p => states[p].Exists && states[p].LastVerifiedAt >= started && states[p].LastVerifiedAt <= scan.FinishedAt),
            Is.EqualTo(Seen));
        Assert.That(paths.Skip(Seen).All(p => !states[p].Exists && states[p].LastVerifiedAt >= started), "missing since this scan");
    }
}
