using Media.Application.Scanning;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Infrastructure.Persistence;
using Media.Infrastructure.Persistence.Repositories;
using Media.Tests.Domain;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Identity;

/// <summary>
/// The move store on both providers (PostgreSQL: one statement a chunk, without reading the files first): the moves it
/// can make are made with their history; a move the database refuses (the path taken), of a file forgotten meanwhile,
/// or of a file of the other kind is a problem on its path, and every other move of the chunk is still made.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class FileMoveStoreTests(Provider provider) : DatabaseTest(provider)
{
    [Test]
    public async Task A_chunk_moves_what_it_can_and_reports_each_move_it_cannot()
    {
        var movies = A.MovieLibrary($"/srv/moves-{Guid.NewGuid():N}/movies");
        var shows = A.SeriesLibrary($"/srv/moves-{Guid.NewGuid():N}/shows");
        var matrix = A.Matrix();
        var show = A.BreakingBad();
        var a = MediaFile.Create(movies, matrix, null, "A.mkv", FileState.Verified(1, A.At), A.At).Value;
        var b = MediaFile.Create(movies, matrix, null, "B.mkv", FileState.Verified(2, A.At), A.At).Value;
        var c = MediaFile.Create(movies, matrix, null, "C.mkv", FileState.Verified(3, A.At), A.At).Value;
        var pilot = MediaFile.Create(shows, show, show.FindEpisode(1, 1), "Pilot.mkv", FileState.Verified(4, A.At), A.At).Value;
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(movies, shows, matrix, show, a, b, c, pilot);
            await db.SaveChangesAsync(Ct);
        });
        var at = A.At.AddDays(1);
        static FileProbe Probe(long inode, long size) => new(64769, inode, size, A.At.AddHours(1), null);
        var forgotten = MediaFileId.New();
        FileMove[] moves =
        [
            new(a.Id, movies, "A.mkv", "Moved/A.mkv", Probe(11, 10), MoveEvidence.Inode, null),
            new(b.Id, movies, "B.mkv", "C.mkv", Probe(12, 20), MoveEvidence.Xattr, null), // C.mkv is another file's path
            new(forgotten, movies, "X.mkv", "Moved/X.mkv", Probe(13, 30), MoveEvidence.Xattr, null),
            new(pilot.Id, movies, "Pilot.mkv", "Moved/Pilot.mkv", Probe(14, 40), MoveEvidence.Xattr, "Moved from the library 'Series'."),
        ];

        var problems = await Get<IFileMoveStore>().MoveAsync(moves, at, Ct);

        Assert.That(problems.Select(p => (p.Path, p.Kind)), Is.EquivalentTo(new[]
        {
            ("C.mkv", "move_not_recorded"), ("Moved/X.mkv", "move_not_recorded"), ("Moved/Pilot.mkv", "move_not_recorded"),
        }));
        var stored = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaFile>().AsNoTracking()
            .Where(f => f.Id == a.Id || f.Id == b.Id || f.Id == c.Id || f.Id == pilot.Id).ToDictionaryAsync(f => f.Id, Ct));
        var movedA = stored[a.Id];
        Assert.That((movedA.LibraryId, movedA.Path, movedA.PathHash), Is.EqualTo((movies.Id, "Moved/A.mkv", PathKey.Of("Moved/A.mkv"))));
        Assert.That((movedA.State.Exists, movedA.State.Size, movedA.State.LastVerifiedAt, movedA.State.Device, movedA.State.Inode, movedA.State.ModifiedAt),
            Is.EqualTo((true, 10L, at, (long?)64769, (long?)11, (DateTimeOffset?)A.At.AddHours(1))));
        Assert.That((stored[b.Id].Path, stored[c.Id].Path), Is.EqualTo(("B.mkv", "C.mkv")), "the refused move changed nothing");
        Assert.That((stored[pilot.Id].LibraryId, stored[pilot.Id].Path), Is.EqualTo((shows.Id, "Pilot.mkv")), "an episode file stays out of a movies library");
        var history = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ImportAttempt>().AsNoTracking()
            .Where(i => i.Method == ImportMethod.Move).ToListAsync(Ct));
        Assert.That(history.Select(h => (h.MediaFileId, h.SourcePath, h.DestinationPath, h.RecognisedBy, h.Succeeded, h.AttemptedAt)),
            Is.EqualTo(new[] { ((MediaFileId?)a.Id, "A.mkv", "Moved/A.mkv", (MoveEvidence?)MoveEvidence.Inode, true, at) }), "one entry: the move made");
    }

    /// <summary>
    /// Every new file of a scan is looked up by its inode (was it a known file, moved?), a batch of 256 at a time. During
    /// a first scan the tables grow faster than the database's statistics follow them, and a planner that believes the
    /// tables are nearly empty read both whole for each lookup: 7.7 ms a batch at 100,000 files, 2.9 s of a first scan's
    /// database time, on the scan's path. A scan that writes thousands of files brings the statistics up to date, and
    /// the lookup goes by the inode index.
    /// </summary>
    [Test]
    public async Task After_a_scan_writes_thousands_of_files_the_lookup_by_inode_goes_by_the_inode_index()
    {
        var movies = A.MovieLibrary($"/srv/moves-{Guid.NewGuid():N}/movies");
        var movie = Media.Domain.MediaItems.MediaItem.Movie(Random.Shared.Next(1_000_000, 2_000_000), "Heat", null, 1995, A.At);
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(movies, movie);
            await db.SaveChangesAsync(Ct);
        });
        var files = Enumerable.Range(0, 3_000).Select(i => MediaFile.Create(movies, movie, null, $"{i:0000}.mkv",
            FileState.Verified(i, A.At).OnDisk(64769, 1_000_000 + i, A.At), A.At).Value).ToList();
        await InNewScope(async s =>
        {
            // Written as a scan writes them: beside the scan, then the rest at its end.
            var store = s.GetRequiredService<IScanStore>();
            foreach (var file in files) store.Add(file, ImportAttempt.Success(ImportMethod.Scan, file.Id, file.Path, file.Path, A.At));
            Assert.That(await store.FlushBehindAsync(Ct), Is.Empty);
            Assert.That(await store.FlushAsync(Ct), Is.Empty);
        });
        long[] wanted = [.. Enumerable.Range(0, 256).Select(i => 2_000_000L + i), 1_000_007];

        var found = await Get<IFileMoveStore>().CandidatesAsync([], wanted, Ct);

        Assert.That(found.Select(c => (c.Id, c.Path, c.Inode)), Is.EqualTo(new[] { (files[7].Id, "0007.mkv", (long?)1_000_007) }));
        var db = Get<MediaDbContext>();
        await using var command = FileMoveStore.InodeLookup(db, wanted);
        var text = await PlanAsync(command);
        if (Provider == Provider.Postgres)
            Assert.That(await db.Database.SqlQueryRaw<float>("SELECT reltuples AS \"Value\" FROM pg_class WHERE relname = 'media_file_state'").SingleAsync(Ct),
                Is.GreaterThanOrEqualTo(3_000), "the statistics know the files");
        Assert.That(text, Does.Contain("ix_media_file_state_inode").And.Not.Contain("Seq Scan"), text);
    }
}
