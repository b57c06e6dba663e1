using Media.Application.MediaItems;
using Media.Application.Scanning;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Scanning;

/// <summary>Find-or-create of media items (issue 11): one atomic database operation per row, on both providers.</summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class ScanStoreTests(Provider provider) : DatabaseTest(provider)
{
    [Test]
    public async Task Eight_writers_ensuring_the_same_new_series_at_once_end_with_one_item_and_every_episode()
    {
        var at = DateTimeOffset.UtcNow;
        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(n => InNewScope(async s =>
        {
            // Each writer knows the show with a different episode of season 1, and writer 8 also season 2.
            var candidate = MediaItem.Series(4242, "Twice Made", null, 2020, at);
            candidate.EnsureSeason(1).EnsureEpisode(n, $"Episode {n}");
            if (n == 8) candidate.EnsureSeason(2, "Second").EnsureEpisode(1);
            return await s.GetRequiredService<IMediaItemRepository>().EnsureAsync(candidate, Ct);
        })));

        Assert.That(results.Select(r => r.Item.Id).Distinct().Count(), Is.EqualTo(1), "every writer got the one stored item");
        Assert.That(results.Count(r => r.Created), Is.EqualTo(1), "exactly one writer created it");
        var stored = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaItem>().AsNoTracking()
            .Include(m => m.Seasons).ThenInclude(x => x.Episodes).Where(m => m.TmdbId == 4242).ToListAsync(Ct));
        Assert.That(stored, Has.Count.EqualTo(1));
        Assert.That(stored[0].Seasons.OrderBy(x => x.Number).Select(x => (x.Number, x.Episodes.Count)), Is.EqualTo(new[] { (1, 8), (2, 1) }));
        Assert.That(stored[0].FindEpisode(1, 3)!.Title, Is.EqualTo("Episode 3"));
    }

    [Test]
    public async Task Ensuring_a_known_item_keeps_it_and_takes_newer_episode_details()
    {
        var at = DateTimeOffset.UtcNow;
        var first = MediaItem.Series(777, "Known", null, 2001, at);
        first.EnsureSeason(1).EnsureEpisode(1);
        var created = await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().EnsureAsync(first, Ct));

        var again = MediaItem.Series(777, "Known again", null, 2001, at);
        again.EnsureSeason(1).EnsureEpisode(1, "Now with a title", new DateOnly(2001, 2, 3));
        var ensured = await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().EnsureAsync(again, Ct));

        Assert.That((ensured.Created, ensured.Item.Id, ensured.Item.Title), Is.EqualTo((false, created.Item.Id, "Known")));
        var episode = ensured.Item.FindEpisode(1, 1)!;
        Assert.That((episode.Id, episode.Title, episode.AirDate), Is.EqualTo((created.Item.FindEpisode(1, 1)!.Id, "Now with a title", (DateOnly?)new DateOnly(2001, 2, 3))));
    }

    [Test]
    public async Task A_batched_new_movie_that_another_writer_stored_first_is_theirs_and_the_files_follow()
    {
        var at = DateTimeOffset.UtcNow;
        var library = Library.Create("Films", LibraryKind.Movies, StorageLocation.Local($"/srv/{Guid.NewGuid():N}"), at).Value;
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Add(library);
            return await db.SaveChangesAsync(Ct);
        });
        var store = Get<IScanStore>();
        var ours = MediaItem.Movie(9191, "Twice", null, 2001, at);
        store.AddItem(ours);
        Assert.That((await store.LoadItemAsync(ours.Id, Ct))?.Id, Is.EqualTo(ours.Id), "a waiting movie is found before its batch is saved");
        var first = MediaFile.Create(library, ours, null, "Twice (2001).mkv", FileState.Verified(1, at), at).Value;
        store.Add(first, ImportAttempt.Success(ImportMethod.Scan, first.Id, first.Path, first.Path, at));
        var theirs = await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().EnsureAsync(MediaItem.Movie(9191, "Twice", null, 2001, at), Ct));

        await store.FlushAsync(Ct);
        var second = MediaFile.Create(library, ours, null, "copies/Twice.mkv", FileState.Verified(2, at), at).Value;
        store.Add(second, ImportAttempt.Success(ImportMethod.Scan, second.Id, second.Path, second.Path, at));
        await store.FlushAsync(Ct);

        var (items, owners) = await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            return (await db.Set<MediaItem>().AsNoTracking().Where(m => m.TmdbId == 9191).Select(m => m.Id).ToListAsync(Ct),
                    await db.Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == library.Id).Select(f => f.MediaItemId).ToListAsync(Ct));
        });
        Assert.That(items, Is.EqualTo(new[] { theirs.Item.Id }));
        Assert.That(owners, Is.EqualTo(new[] { theirs.Item.Id, theirs.Item.Id }), "both files, before and after the batch, belong to the one item");
        Assert.That((await store.LoadItemAsync(ours.Id, Ct))?.Id, Is.EqualTo(theirs.Item.Id));
    }

    [Test]
    public async Task Touching_all_stamps_the_present_files_of_the_library_and_folder_and_none_under_an_unread_folder()
    {
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var library = Media.Domain.Libraries.Library.Create("Touched", LibraryKind.Movies,
            Media.Domain.Libraries.StorageLocation.Local($"/srv/touch-{Guid.NewGuid():N}"), at).Value;
        var other = Media.Domain.Libraries.Library.Create("Other", LibraryKind.Movies,
            Media.Domain.Libraries.StorageLocation.Local($"/srv/touch-{Guid.NewGuid():N}"), at).Value;
        var item = MediaItem.Movie(880_001, "Touched", null, 2001, at);
        MediaFile File(Media.Domain.Libraries.Library l, string path, bool exists = true) =>
            MediaFile.Create(l, item, null, path, exists ? FileState.Verified(1, at) : FileState.Verified(1, at).Missing(at), at).Value;
        string[] paths = ["A/a.mkv", "B/b.mkv", "B2/b2.mkv", "C/c.mkv", "C/D/d.mkv"];
        var files = paths.Select(p => File(library, p)).Append(File(library, "A/gone.mkv", exists: false)).Append(File(other, "A/a.mkv")).ToList();
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(library, other, item);
            db.AddRange(files);
            await db.SaveChangesAsync(Ct);
        });

        async Task<string[]> TouchedAsync(string? folder, string[] unread, DateTimeOffset when)
        {
            await InNewScope(s => s.GetRequiredService<IScanStore>().TouchAllAsync(library.Id, folder, unread, when, Ct));
            var stamped = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaFile>().AsNoTracking()
                .Where(f => f.State.LastVerifiedAt == when).Select(f => new { f.LibraryId, f.Path }).ToListAsync(Ct));
            Assert.That(stamped.All(f => f.LibraryId == library.Id), "never another library's files");
            return stamped.Select(f => f.Path).Order(StringComparer.Ordinal).ToArray();
        }

        Assert.That(await TouchedAsync(null, ["B"], at.AddDays(1)), Is.EqualTo(new[] { "A/a.mkv", "B2/b2.mkv", "C/D/d.mkv", "C/c.mkv" }),
            "every present file but those under the unread folder (B2 is not under B); not the missing one");
        Assert.That(await TouchedAsync("C", [], at.AddDays(2)), Is.EqualTo(new[] { "C/D/d.mkv", "C/c.mkv" }), "a folder scan: that folder's files");
        Assert.That(await TouchedAsync("C", ["C/D"], at.AddDays(3)), Is.EqualTo(new[] { "C/c.mkv" }));
        Assert.That(await TouchedAsync(null, [""], at.AddDays(4)), Is.Empty, "an unreadable root: nothing");
    }
}
