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

[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class ScanStoreTests(Provider provider) : DatabaseTest(provider)
{
    [Test]
    public async Task A_new_item_that_another_writer_created_first_is_merged_into_theirs()
    {
        var at = DateTimeOffset.UtcNow;
        var library = Library.Create("Shows", LibraryKind.Series, StorageLocation.Create("local", $"/srv/{Guid.NewGuid():N}").Value, at).Value;
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Add(library);
            await db.SaveChangesAsync(Ct);
        });

        // This scan's unit of work: a new show, one episode, a file of it.
        var store = Get<IScanStore>();
        var ours = MediaItem.Series(4242, "Twice Made", null, 2020, at);
        var episode = ours.EnsureSeason(1).EnsureEpisode(1, "Pilot");
        store.AddItem(ours);
        var file = MediaFile.Create(library, ours, episode, "Twice Made/S01E01.mkv", FileState.Verified(10, at), at).Value;
        store.Add(file, ImportAttempt.Success(ImportMethod.Scan, file.Id, file.Path, file.Path, at));

        // Meanwhile another scan saves the same show, with more episodes.
        var theirs = MediaItem.Series(4242, "Twice Made", null, 2020, at);
        var season = theirs.EnsureSeason(1);
        season.EnsureEpisode(1, "Pilot");
        season.EnsureEpisode(2, "Second");
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Add(theirs);
            await db.SaveChangesAsync(Ct);
        });

        var replaced = await store.FlushAsync(Ct);

        Assert.That(replaced.Keys, Is.EqualTo(new[] { ours.Id }));
        Assert.That(replaced[ours.Id].Id, Is.EqualTo(theirs.Id));
        var (items, saved) = await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            return (await db.Set<MediaItem>().AsNoTracking().Where(m => m.TmdbId == 4242).ToListAsync(Ct),
                    await db.Set<MediaFile>().AsNoTracking().SingleAsync(f => f.Id == file.Id, Ct));
        });
        Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { theirs.Id }), "one item: theirs");
        Assert.That(saved.MediaItemId, Is.EqualTo(theirs.Id));
        Assert.That(saved.EpisodeId, Is.EqualTo(theirs.FindEpisode(1, 1)!.Id));
    }
}
