using Media.Application.Libraries;
using Media.Application.MediaFiles;
using Media.Application.MediaItems;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Infrastructure.Persistence.Configurations;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Media.Tests.Persistence;

/// <summary>
/// The lists' totals the database keeps (migration 0024): after every kind of write the API and the scan make (EF,
/// multi-row statements, COPY, moves between libraries, deletes, a library's cascade), each kept total is the count
/// of the rows it stands for.
/// </summary>
[TestFixture(Provider.Postgres)]
[TestFixture(Provider.Sqlite)]
public sealed class ListCountTests(Provider provider) : DatabaseTest(provider)
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly List<LibraryId> _libraries = [];

    [Test]
    public async Task The_kept_totals_follow_every_kind_of_write()
    {
        var (a, b) = (await ALibraryAsync(), await ALibraryAsync());
        var items = Enumerable.Range(0, 8).Select(i => MediaItem.Create(MediaType.Movie, 500 + i, $"Film {i}", null, 2000 + i, At)).ToList();
        items.Add(MediaItem.Create(MediaType.Series, 900, "A Show", null, 2010, At));
        var db = Get<MediaDbContext>();
        db.AddRange(items);
        var files = new List<MediaFile>();
        for (var i = 0; i < 8; i++)
        {
            var file = MediaFile.Create(i < 5 ? a : b, items[i], null, $"Film {i}/Film {i}.mkv", FileState.Verified(1000 + i, At), At).Value;
            files.Add(file);
            db.Add(ImportAttempt.Success(ImportMethod.Scan, file.Id, file.Path, file.Path, At));
        }
        db.AddRange(files);
        db.Add(ImportAttempt.Failure(ImportMethod.Hardlink, "import.source_missing", "The source is gone.", "/downloads/x.mkv", "x.mkv", At));
        db.Add(ImportAttempt.Failure(ImportMethod.Copy, "import.destination_exists", "Something is there.", "/downloads/y.mkv", "y.mkv", At));
        await db.SaveChangesAsync(Ct);
        await AssertKeptAsync("after EF's inserts");

        // A title stored again (another writer's, or a second scan's) is not a second title.
        var again = await Get<IMediaItemRepository>().EnsureAsync(MediaItem.Create(MediaType.Movie, 500, "Film 0", null, 2000, At), Ct);
        Assert.That(again.Item.Id, Is.EqualTo(items[0].Id));
        await AssertKeptAsync("after a title was stored again");

        if (Provider == Provider.Postgres) await BulkWritesAsync(a.Id, b.Id);

        // A file moved to the other library, through the domain (EF's update), and one forgotten.
        await InNewScope(async s =>
        {
            var repository = s.GetRequiredService<IMediaFileRepository>();
            var libraries = s.GetRequiredService<ILibraryRepository>();
            var moving = (await repository.FindAsync(files[0].Id, Ct))!;
            Assert.That(moving.MoveTo((await libraries.FindAsync(b.Id, Ct))!, "Moved/Film 0.mkv", 1000, At).IsSuccess);
            await repository.SaveAsync(Ct);
            Assert.That((await repository.RemoveAsync((await repository.FindAsync(files[1].Id, Ct))!, Ct)).IsSuccess);
        });
        await AssertKeptAsync("after a move to another library and a file forgotten");

        // The whole library goes: its files go with it (the database's cascade).
        await InNewScope(async s =>
        {
            var libraries = s.GetRequiredService<ILibraryRepository>();
            Assert.That((await libraries.RemoveAsync((await libraries.FindAsync(b.Id, Ct))!, Ct)).IsSuccess);
        });
        await AssertKeptAsync("after a library was deleted");
    }

    /// <summary>What only PostgreSQL's writers do: many rows in one statement (the kept totals move once per statement), COPY, set-based moves.</summary>
    private async Task BulkWritesAsync(LibraryId a, LibraryId b)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        async Task Exec(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("a", a.Value);
            command.Parameters.AddWithValue("b", b.Value);
            await command.ExecuteNonQueryAsync(Ct);
        }

        await Exec("""
            INSERT INTO media_item (id, type, tmdb_id, title, original_title, year, created_at)
            SELECT gen_random_uuid(), CASE WHEN g % 3 = 0 THEN 'series' ELSE 'movie' END, 10000 + g, 'Bulk ' || g, NULL, 2000, now()
            FROM generate_series(1, 30) g
            """);
        await Exec("""
            INSERT INTO media_file (id, library_id, media_item_id, episode_id, path, path_hash, created_at)
            SELECT gen_random_uuid(), CASE WHEN m.tmdb_id % 2 = 0 THEN @a ELSE @b END, m.id, NULL, 'bulk/' || m.title || '.mkv',
                   sha256(convert_to('bulk/' || m.title || '.mkv', 'UTF8')), now()
            FROM media_item m WHERE m.title LIKE 'Bulk %' AND m.type = 'movie'
            """);
        await AssertKeptAsync("after multi-row inserts");

        // The scan's way: binary COPY.
        Guid film;
        await using (var find = new NpgsqlCommand("SELECT id FROM media_item WHERE tmdb_id = 501", connection)) film = (Guid)(await find.ExecuteScalarAsync(Ct))!;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY media_file (id, library_id, media_item_id, episode_id, path, path_hash, created_at) FROM STDIN (FORMAT BINARY)", Ct))
        {
            for (var i = 0; i < 12; i++)
            {
                var path = $"copied/{i}.mkv";
                await copy.StartRowAsync(Ct);
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlTypes.NpgsqlDbType.Uuid, Ct);
                await copy.WriteAsync(i % 3 == 0 ? b.Value : a.Value, NpgsqlTypes.NpgsqlDbType.Uuid, Ct);
                await copy.WriteAsync(film, NpgsqlTypes.NpgsqlDbType.Uuid, Ct);
                await copy.WriteNullAsync(Ct);
                await copy.WriteAsync(path, NpgsqlTypes.NpgsqlDbType.Text, Ct);
                await copy.WriteAsync(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)), NpgsqlTypes.NpgsqlDbType.Bytea, Ct);
                await copy.WriteAsync(DateTime.UtcNow, NpgsqlTypes.NpgsqlDbType.TimestampTz, Ct);
            }
            await copy.CompleteAsync(Ct);
        }
        await Exec("""
            INSERT INTO media_file_import (id, media_file_id, download_job_id, method, source_path, destination_path, succeeded, error_code, error, attempted_at)
            SELECT gen_random_uuid(), f.id, NULL, 'scan', f.path, f.path, f.path NOT LIKE '%1%', CASE WHEN f.path LIKE '%1%' THEN 'x' END, NULL, now()
            FROM media_file f WHERE f.path LIKE 'copied/%' OR f.path LIKE 'bulk/%'
            """);
        await AssertKeptAsync("after COPY");

        // The move store's way: one statement moves files between libraries both ways (and changes paths, which
        // moves no total).
        await Exec("UPDATE media_file SET library_id = CASE WHEN library_id = @a THEN @b ELSE @a END WHERE path LIKE 'bulk/%'");
        await Exec("UPDATE media_file SET path = path || '.moved' WHERE path LIKE 'copied/%'");
        await Exec("DELETE FROM media_file WHERE path LIKE 'copied/1%' OR path LIKE 'bulk/Bulk 2%'");
        await Exec("DELETE FROM media_item WHERE title = 'Bulk 3'");
        await AssertKeptAsync("after set-based moves and deletes");

        await Exec("TRUNCATE media_file_import");
        await AssertKeptAsync("after the import history was truncated");
    }

    private async Task<Library> ALibraryAsync()
    {
        var library = Library.Create("Lib", LibraryKind.Movies, StorageLocation.Local($"/srv/counts-{Guid.NewGuid():N}"), At).Value;
        Assert.That((await Get<ILibraryRepository>().AddAsync(library, Ct)).IsSuccess);
        _libraries.Add(library.Id);
        return library;
    }

    private Task AssertKeptAsync(string when) => InNewScope(async s =>
    {
        var db = s.GetRequiredService<MediaDbContext>();
        using (Assert.EnterMultipleScope())
        {
            foreach (var library in _libraries)
            {
                var kept = await db.Set<MediaFileCount>().Where(c => c.LibraryId == library).Select(c => c.Count).SingleOrDefaultAsync(Ct);
                Assert.That(kept, Is.EqualTo(await db.Set<MediaFile>().LongCountAsync(f => f.LibraryId == library, Ct)), $"a library's files, {when}");
            }
            Assert.That(await db.Set<MediaFileCount>().SumAsync(c => c.Count, Ct), Is.EqualTo(await db.Set<MediaFile>().LongCountAsync(Ct)), $"all files, {when}");
            foreach (var type in Enum.GetValues<MediaType>())
            {
                var kept = await db.Set<MediaItemCount>().Where(c => c.Type == type).Select(c => c.Count).SingleOrDefaultAsync(Ct);
                Assert.That(kept, Is.EqualTo(await db.Set<MediaItem>().LongCountAsync(m => m.Type == type, Ct)), $"{type} titles, {when}");
            }
            foreach (var succeeded in new[] { true, false })
            {
                var kept = await db.Set<ImportCount>().Where(c => c.Succeeded == succeeded).Select(c => c.Count).SingleOrDefaultAsync(Ct);
                Assert.That(kept, Is.EqualTo(await db.Set<ImportAttempt>().LongCountAsync(i => i.Succeeded == succeeded, Ct)), $"imports succeeded={succeeded}, {when}");
            }
            Assert.That(await db.Set<MediaFileCount>().AnyAsync(c => c.Count < 0, Ct), Is.False, $"no negative total, {when}");
        }
    });
}
