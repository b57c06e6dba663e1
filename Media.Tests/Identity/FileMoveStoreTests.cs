using Media.Application.Scanning;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.MediaFiles;
using Media.Infrastructure.Persistence;
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
}
