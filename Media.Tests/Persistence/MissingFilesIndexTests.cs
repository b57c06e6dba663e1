using Media.Application.Common;
using Media.Application.MediaFiles;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Infrastructure.Persistence.Repositories;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Persistence;

/// <summary>
/// The missing files are few among many (2% here): a list of them, and their count, read the index of the missing ones
/// (migration 0025) instead of looking up every file's state (2,114 lookups for the first page of 50 at 100,000 files).
/// </summary>
[TestFixture(Provider.Postgres)]
[TestFixture(Provider.Sqlite)]
public sealed class MissingFilesIndexTests(Provider provider) : DatabaseTest(provider)
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [OneTimeSetUp]
    public async Task Fill()
    {
        var library = Library.Create("Movies", LibraryKind.Movies, StorageLocation.Local($"/srv/missing-{Guid.NewGuid():N}"), At).Value;
        var movie = MediaItem.Create(MediaType.Movie, 603, "The Matrix", null, 1999, At);
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(library, movie);
            for (var i = 0; i < 3_000; i++)
            {
                var file = MediaFile.Create(library, movie, null, $"{i:0000}/{i:0000}.mkv", FileState.Verified(i, At), At).Value;
                if (i % 50 == 0) file.MarkMissing(At);
                db.Add(file);
            }
            await db.SaveChangesAsync(Ct);
            await db.Database.ExecuteSqlRawAsync("ANALYZE", Ct);
        });
    }

    [TestCase(SortDirection.Asc)]
    [TestCase(SortDirection.Desc)]
    public async Task A_page_of_missing_files_reads_the_index_of_the_missing_ones(SortDirection direction)
    {
        var page = new PageRequest(1, 50, "path", direction);
        var listed = await Get<IMediaFileRepository>().PageAsync(new MediaFilesPage(null, null, false, page), page, Ct);
        Assert.That(listed.TotalCount, Is.EqualTo(60));
        var missing = Enumerable.Range(0, 60).Select(i => $"{i * 50:0000}/{i * 50:0000}.mkv").ToList();
        Assert.That(listed.Items.Select(f => f.Path), Is.EqualTo((direction == SortDirection.Asc ? missing : missing.AsEnumerable().Reverse()).Take(50)));
        Assert.That(listed.Items.All(f => !f.State.Exists));

        var query = SpecificationEvaluator.ApplyPage(Get<MediaDbContext>().Set<MediaFile>(), new MediaFilesPage(null, null, false, page), page, 60)!.Value.Query;
        var plan = await PlanAsync(query);
        Assert.That(plan, Does.Contain("ix_media_file_state_missing"), plan);
    }

    [Test]
    public async Task The_missing_files_of_a_library_are_counted_on_the_index_of_the_missing_ones()
    {
        var db = Get<MediaDbContext>();
        var library = await db.Set<Library>().Select(l => l.Id).FirstAsync(Ct);
        var page = new PageRequest(1, 50);
        Assert.That(await Get<IMediaFileRepository>().CountAsync(new MediaFilesPage(library, null, false, page), Ct), Is.EqualTo(60));
        Assert.That(await Get<IMediaFileRepository>().CountAsync(new MediaFilesPage(library, null, true, page), Ct), Is.EqualTo(2_940));
        // Each missing file's library looked up by the file's key: not every file of the library read (nor every file).
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = MediaFileRepository.LibraryMissingSql.Replace("{0}", "'" + library.Value + "'", StringComparison.Ordinal);
        var plan = await PlanAsync(command);
        Assert.That(plan, Does.Contain("ix_media_file_state_missing"), plan);
        Assert.That(plan, Provider == Provider.Postgres ? Does.Contain("Index Scan using pk_media_file on media_file") : Does.Match(@"SEARCH f USING .*\(id=\?\)"), plan);
    }
}
