using Media.Application.MediaItems;
using Media.Application.Scanning;
using Media.Domain.Common;
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
    public async Task Touching_stamps_exactly_the_given_files_that_are_present_and_never_a_missing_one()
    {
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var library = Media.Domain.Libraries.Library.Create("Touched", LibraryKind.Movies,
            Media.Domain.Libraries.StorageLocation.Local($"/srv/touch-{Guid.NewGuid():N}"), at).Value;
        var item = MediaItem.Movie(880_001, "Touched", null, 2001, at);
        MediaFile File(string path, bool exists = true) =>
            MediaFile.Create(library, item, null, path, exists ? FileState.Verified(1, at) : FileState.Verified(1, at).Missing(at), at).Value;
        var files = new[] { "A/a.mkv", "B/b.mkv", "C/c.mkv" }.Select(p => File(p)).Append(File("A/gone.mkv", exists: false)).ToList();
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(library, item);
            db.AddRange(files);
            await db.SaveChangesAsync(Ct);
        });
        var when = at.AddDays(1);

        await InNewScope(s => s.GetRequiredService<IScanStore>().TouchAsync([files[0].Id, files[2].Id, files[3].Id], when, Ct));

        var states = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaFile>().AsNoTracking()
            .Where(f => f.LibraryId == library.Id).ToDictionaryAsync(f => f.Path, f => (f.State.Exists, f.State.LastVerifiedAt), Ct));
        Assert.That(states, Is.EquivalentTo(new Dictionary<string, (bool, DateTimeOffset)>
        {
            ["A/a.mkv"] = (true, when), ["B/b.mkv"] = (true, at), ["C/c.mkv"] = (true, when), ["A/gone.mkv"] = (false, at),
        }));
    }

    [Test]
    public async Task A_batch_of_new_files_is_stored_whole_and_a_refused_file_is_reported_while_the_rest_is_kept()
    {
        var at = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
        var library = Library.Create("Shows", LibraryKind.Series, StorageLocation.Local($"/srv/batch-{Guid.NewGuid():N}"), at).Value;
        var candidate = MediaItem.Series(880_100, "Batch Show", null, 2020, at);
        var season = candidate.EnsureSeason(1);
        for (var e = 1; e <= 3; e++) season.EnsureEpisode(e, $"Episode {e}");
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Add(library);
            return await db.SaveChangesAsync(Ct);
        });
        var show = (await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().EnsureAsync(candidate, Ct))).Item;
        var taken = MediaFile.Create(library, show, show.FindEpisode(1, 1), "Batch Show/S01E01.mkv", FileState.Verified(1, at), at).Value;
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Add(taken);
            return await db.SaveChangesAsync(Ct);
        });

        var store = Get<IScanStore>();
        // A file of two episodes with everything a scan knows of it, a file at a path already taken, a queue entry.
        var state = FileState.Verified(5_000_000_000, at).OnDisk(64_769, 9_876_543, at.AddMinutes(-5)).Tagged(null);
        var whole = MediaFile.CreateForEpisodes(library, show, [show.FindEpisode(1, 3)!, show.FindEpisode(1, 2)!], "Batch Show/S01E03E02.mkv", state, at).Value;
        store.Add(whole, ImportAttempt.Success(ImportMethod.Xattr, whole.Id, whole.Path, whole.Path, at, note: "from the stored identity"));
        var queued = Media.Domain.Unmatched.UnmatchedFile.Discover(library.Id, "Batch Show/Extras.mkv", 3, [], at);
        store.Add(queued);
        Assert.That(await store.FlushAsync(Ct), Is.Empty);
        // The next batch: a file at a path already taken, and a good one.
        var clash = MediaFile.Create(library, show, show.FindEpisode(1, 1), taken.Path, FileState.Verified(2, at), at).Value;
        store.Add(clash, ImportAttempt.Success(ImportMethod.Scan, clash.Id, clash.Path, clash.Path, at));
        var good = MediaFile.Create(library, show, show.FindEpisode(1, 2), "Batch Show/S01E02.proper.mkv", FileState.Verified(4, at), at).Value;
        store.Add(good, ImportAttempt.Success(ImportMethod.Scan, good.Id, good.Path, good.Path, at));

        var problems = await store.FlushAsync(Ct);

        Assert.That(problems.Select(p => (p.Path, p.Kind)), Is.EqualTo(new[] { (taken.Path, "unstorable") }), "the refused file, reported");
        var (stored, imports, inQueue) = await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            return (await db.Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == library.Id).OrderBy(f => f.Path).ToListAsync(Ct),
                    await db.Set<ImportAttempt>().AsNoTracking().Where(i => i.MediaFileId == whole.Id || i.MediaFileId == clash.Id || i.MediaFileId == good.Id).ToListAsync(Ct),
                    await db.Set<Media.Domain.Unmatched.UnmatchedFile>().AsNoTracking().Where(u => u.LibraryId == library.Id).Select(u => u.Path).ToListAsync(Ct));
        });
        Assert.That(stored.Select(f => f.Id), Is.EquivalentTo(new[] { good.Id, taken.Id, whole.Id }), "the other file of the batch is kept; the taken path keeps its file");
        var read = stored.Single(f => f.Id == whole.Id);
        Assert.Multiple(() =>
        {
            Assert.That((read.Path, read.PathHash, read.MediaItemId, read.EpisodeId, read.CreatedAt),
                Is.EqualTo((whole.Path, whole.PathHash, show.Id, show.FindEpisode(1, 3)!.Id, at)));
            Assert.That(read.Episodes.OrderBy(e => e.Position), Is.EqualTo(whole.Episodes), "both episodes, in the file's order");
            Assert.That(read.State, Is.EqualTo(state), "size, verification, device, inode, modification time, identity");
            Assert.That(imports.Select(i => (i.MediaFileId, i.Method, i.Succeeded, i.Error, i.AttemptedAt)), Is.EquivalentTo(new[]
            {
                ((MediaFileId?)whole.Id, ImportMethod.Xattr, true, (string?)"from the stored identity", at), (good.Id, ImportMethod.Scan, true, null, at),
            }), "no record of the refused file");
            Assert.That(inQueue, Is.EqualTo(new[] { queued.Path }));
        });
    }

    [Test]
    public async Task Batches_written_beside_the_scan_are_stored_in_order_and_a_refused_file_is_reported_by_a_later_flush()
    {
        var at = new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);
        var library = Library.Create("Beside", LibraryKind.Movies, StorageLocation.Local($"/srv/{Guid.NewGuid():N}"), at).Value;
        var seriesLibrary = Library.Create("Beside shows", LibraryKind.Series, StorageLocation.Local($"/srv/{Guid.NewGuid():N}"), at).Value;
        var takenBy = MediaItem.Movie(880_301, "Taken", null, 1999, at);
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(library, seriesLibrary, takenBy);
            return await db.SaveChangesAsync(Ct);
        });
        var taken = MediaFile.Create(library, takenBy, null, "Taken (1999).mkv", FileState.Verified(1, at), at).Value;
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Add(taken);
            return await db.SaveChangesAsync(Ct);
        });
        var series = (await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().EnsureAsync(MediaItem.Series(880_302, "Aside", null, 2020, at), Ct))).Item;
        var store = Get<IScanStore>();
        MediaFile Add(Library of, MediaItem item, Episode? episode, string path)
        {
            var file = MediaFile.CreateForEpisodes(of, item, episode is null ? [] : [episode], path, FileState.Verified(2, at), at).Value;
            store.Add(file, ImportAttempt.Success(ImportMethod.Scan, file.Id, file.Path, file.Path, at));
            return file;
        }

        // Batch 1: a new movie and its file, a new season with two episodes and a file of each.
        var movie = MediaItem.Movie(880_303, "Alongside", null, 2004, at);
        store.AddItem(movie);
        var first = Add(library, movie, null, "Alongside (2004).mkv");
        var season = series.EnsureSeason(1, "One");
        season.EnsureEpisode(1);
        season.EnsureEpisode(2);
        await store.EnsureSeasonAsync(series, 1, Ct);
        var e1 = Add(seriesLibrary, series, series.FindEpisode(1, 1), "Aside/S01E01.mkv");
        var e2 = Add(seriesLibrary, series, series.FindEpisode(1, 2), "Aside/S01E02.mkv");
        Assert.That(await store.FlushBehindAsync(Ct), Is.Empty);
        // While it may still be written: the new movie is still the scan's to load, and the season grows in memory.
        Assert.That((await store.LoadItemAsync(movie.Id, Ct))?.TmdbId, Is.EqualTo(880_303));
        season.EnsureEpisode(3, "Later");
        await store.EnsureSeasonAsync(series, 1, Ct);
        var e3 = Add(seriesLibrary, series, series.FindEpisode(1, 3), "Aside/S01E03.mkv");

        // Batch 2: a file at a path already taken and a good one, written beside; the refusal comes with a later flush.
        var clash = Add(library, movie, null, taken.Path);
        var good = Add(library, movie, null, "Alongside (2004) proper.mkv");
        var second = await store.FlushBehindAsync(Ct);
        var last = await store.FlushAsync(Ct);

        Assert.That(second.Concat(last).Select(p => (p.Path, p.Kind)), Is.EqualTo(new[] { (taken.Path, "unstorable") }));
        var (files, episodes) = await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            return (await db.Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == library.Id || f.LibraryId == seriesLibrary.Id).ToDictionaryAsync(f => f.Id, Ct),
                    (await db.Set<MediaItem>().AsNoTracking().Include(m => m.Seasons).ThenInclude(x => x.Episodes).SingleAsync(m => m.Id == series.Id, Ct))
                        .Seasons.Single().Episodes.Select(e => (e.Number, e.Title)).OrderBy(e => e.Number).ToList());
        });
        Assert.That(files.Keys, Is.EquivalentTo(new[] { taken.Id, first.Id, good.Id, e1.Id, e2.Id, e3.Id }));
        Assert.That(files[first.Id].MediaItemId, Is.EqualTo(movie.Id));
        Assert.That(files[e3.Id].EpisodeId, Is.EqualTo(series.FindEpisode(1, 3)!.Id));
        Assert.That(episodes, Is.EqualTo(new (int, string?)[] { (1, null), (2, null), (3, "Later") }));
    }

    [Test]
    public async Task A_season_is_stored_from_the_series_in_memory_and_a_season_another_writer_stored_first_is_theirs()
    {
        var at = new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero);
        var library = Library.Create("Shows", LibraryKind.Series, StorageLocation.Local($"/srv/{Guid.NewGuid():N}"), at).Value;
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Add(library);
            return await db.SaveChangesAsync(Ct);
        });
        var series = (await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().EnsureAsync(MediaItem.Series(880_200, "Seasoned", null, 2019, at), Ct))).Item;
        var store = Get<IScanStore>();
        MediaFile FileOf(MediaItem item, int season, int episode)
        {
            var file = MediaFile.CreateForEpisodes(library, item, [item.FindEpisode(season, episode)!], $"Seasoned/S{season:00}E{episode:00}.mkv", FileState.Verified(1, at), at).Value;
            store.Add(file, ImportAttempt.Success(ImportMethod.Scan, file.Id, file.Path, file.Path, at));
            return file;
        }

        // Season 1: nobody else has it, so the series in memory is what is stored, as it is.
        var first = series.EnsureSeason(1, "One");
        first.EnsureEpisode(1, "Pilot", new DateOnly(2019, 1, 1));
        first.EnsureEpisode(2);
        var same = await store.EnsureSeasonAsync(series, 1, Ct);
        var pilot = FileOf(same, 1, 1);

        // Season 2: another writer stores episodes 1 and 2 first; this scan's series knows 1 to 3 under its own ids.
        var theirs = MediaItem.Series(880_200, "Seasoned", null, 2019, at);
        theirs.EnsureSeason(2).EnsureEpisode(1, "Theirs");
        theirs.EnsureSeason(2).EnsureEpisode(2);
        var stored = (await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().EnsureAsync(theirs, Ct))).Item;
        var second = series.EnsureSeason(2, "Two");
        for (var e = 1; e <= 3; e++) second.EnsureEpisode(e, e == 3 ? "Ours" : null);
        var merged = await store.EnsureSeasonAsync(series, 2, Ct);
        var theirFirst = FileOf(merged, 2, 1);
        var ourThird = FileOf(merged, 2, 3);
        Assert.That(await store.FlushAsync(Ct), Is.Empty, "every file stored");

        var read = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaItem>().AsNoTracking()
            .Include(m => m.Seasons).ThenInclude(x => x.Episodes).SingleAsync(m => m.Id == series.Id, Ct));
        var files = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaFile>().AsNoTracking()
            .Where(f => f.LibraryId == library.Id).ToDictionaryAsync(f => f.Id, Ct));
        Assert.Multiple(() =>
        {
            Assert.That(read.FindEpisode(1, 1)!.Id, Is.EqualTo(first.Episodes.First().Id));
            Assert.That((read.FindEpisode(1, 1)!.Title, read.Seasons.Single(x => x.Number == 1).Name), Is.EqualTo(("Pilot", "One")));
            Assert.That(files[pilot.Id].EpisodeId, Is.EqualTo(read.FindEpisode(1, 1)!.Id));
            Assert.That(read.FindEpisode(2, 1)!.Id, Is.EqualTo(stored.FindEpisode(2, 1)!.Id), "the other writer's episode is the one");
            Assert.That(files[theirFirst.Id].EpisodeId, Is.EqualTo(stored.FindEpisode(2, 1)!.Id), "the file of their episode is linked to it");
            Assert.That(files[theirFirst.Id].Episodes.Select(e => e.EpisodeId), Is.EqualTo(new[] { stored.FindEpisode(2, 1)!.Id }));
            Assert.That(read.Seasons.Single(x => x.Number == 2).Episodes.Select(e => e.Number).Order(), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(files[ourThird.Id].EpisodeId, Is.EqualTo(read.FindEpisode(2, 3)!.Id));
            Assert.That((read.FindEpisode(2, 1)!.Title, read.FindEpisode(2, 3)!.Title), Is.EqualTo(("Theirs", "Ours")));
            Assert.That(read.Seasons.Count, Is.EqualTo(2));
        });
    }
}
