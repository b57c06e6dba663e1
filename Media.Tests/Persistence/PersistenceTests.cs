using Ardalis.Specification;
using Media.Application.Imports;
using Media.Application.Libraries;
using Media.Application.MediaFiles;
using Media.Application.MediaItems;
using Media.Application.Unmatched;
using Media.Application.Users;
using Media.Domain.Caching;
using Media.Domain.Common;
using Media.Domain.Downloads;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Naming;
using Media.Domain.Policies;
using Media.Domain.Settings;
using Media.Domain.Unmatched;
using Media.Domain.Users;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Persistence;

[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class PersistenceTests(Provider provider) : DatabaseTest(provider)
{
    private static int _next = 1000;
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static int NextTmdbId() => Interlocked.Increment(ref _next);
    private static string NextRoot() => $"/srv/media/{Guid.NewGuid():N}";

    private ILibraryRepository Libraries => Get<ILibraryRepository>();
    private IMediaItemRepository Items => Get<IMediaItemRepository>();
    private IMediaFileRepository Files => Get<IMediaFileRepository>();
    private MediaDbContext Db => Get<MediaDbContext>();

    private async Task<Library> ALibrary(LibraryKind kind = LibraryKind.Movies)
    {
        var library = Library.Create("Lib", kind, StorageLocation.Local(NextRoot()), At).Value;
        Assert.That((await Libraries.AddAsync(library, Ct)).IsSuccess);
        return library;
    }

    private async Task<MediaItem> AMovie()
    {
        var movie = MediaItem.Movie(NextTmdbId(), "The Matrix", "The Matrix", 1999, At);
        Assert.That((await Items.AddAsync(movie, Ct)).IsSuccess);
        return movie;
    }

    private async Task<MediaFile> AMovieFile(Library library, MediaItem movie, string path = "m.mkv")
    {
        var file = MediaFile.Create(library, movie, null, path, FileState.Verified(1234, At), At).Value;
        Assert.That((await Files.AddAsync(file, Ct)).IsSuccess);
        return file;
    }

    [Test]
    public async Task Library_RoundTrip()
    {
        var library = await ALibrary(LibraryKind.Series);
        var read = await InNewScope(s => s.GetRequiredService<ILibraryRepository>().FindAsync(library.Id, Ct));
        Assert.That(read, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(read!.Name, Is.EqualTo("Lib"));
            Assert.That(read.Kind, Is.EqualTo(LibraryKind.Series));
            Assert.That(read.Storage, Is.EqualTo(library.Storage));
            Assert.That(read.CreatedAt, Is.EqualTo(At));
        });
    }

    [Test]
    public async Task Library_SameRootTwice_IsConflict()
    {
        var root = NextRoot();
        Assert.That((await Libraries.AddAsync(Library.Create("A", LibraryKind.Movies, StorageLocation.Local(root), At).Value, Ct)).IsSuccess);
        var again = await Libraries.AddAsync(Library.Create("B", LibraryKind.Series, StorageLocation.Local(root), At).Value, Ct);
        Assert.That(again.Error?.Kind, Is.EqualTo(ErrorKind.Conflict));
        Assert.That(again.Error?.Code, Is.EqualTo("library.duplicate_root"));
    }

    [Test]
    public async Task MediaItem_SameTypeAndTmdbIdTwice_IsConflict()
    {
        var id = NextTmdbId();
        Assert.That((await Items.AddAsync(MediaItem.Movie(id, "A", null, 2000, At), Ct)).IsSuccess);
        var again = await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().AddAsync(MediaItem.Movie(id, "B", null, 2001, At), Ct));
        Assert.That(again.Error?.Code, Is.EqualTo("media_item.duplicate"));
    }

    [Test]
    public async Task MediaItem_SameTmdbIdOtherType_IsAllowed()
    {
        var id = NextTmdbId();
        Assert.That((await Items.AddAsync(MediaItem.Movie(id, "A", null, 2000, At), Ct)).IsSuccess);
        Assert.That((await Items.AddAsync(MediaItem.Series(id, "A", null, 2000, At), Ct)).IsSuccess);
    }

    [Test]
    public async Task Series_WithSeasonsAndEpisodes_RoundTrip_AndGrows()
    {
        var show = MediaItem.Series(NextTmdbId(), "Breaking Bad", null, 2008, At);
        show.EnsureSeason(1).EnsureEpisode(1, "Pilot", new DateOnly(2008, 1, 20));
        Assert.That((await Items.AddAsync(show, Ct)).IsSuccess);

        // A later scan adds a season and an episode to the stored series.
        await InNewScope(async s =>
        {
            var items = s.GetRequiredService<IMediaItemRepository>();
            var stored = (await items.FindAsync(show.Id, Ct))!;
            stored.EnsureSeason(1).EnsureEpisode(2, "Cat's in the Bag...");
            stored.EnsureSeason(2).EnsureEpisode(1, "Seven Thirty-Seven");
            Assert.That((await items.SaveAsync(Ct)).IsSuccess);
        });

        var read = (await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().FindAsync(show.Id, Ct)))!;
        Assert.Multiple(() =>
        {
            Assert.That(read.Seasons.Select(x => x.Number).Order(), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(read.FindEpisode(1, 1)!.AirDate, Is.EqualTo(new DateOnly(2008, 1, 20)));
            Assert.That(read.FindEpisode(1, 2)!.Title, Is.EqualTo("Cat's in the Bag..."));
            Assert.That(read.FindEpisode(2, 1), Is.Not.Null);
        });
    }

    [Test]
    public async Task MediaFile_WithState_RoundTrip_AndMissing()
    {
        var library = await ALibrary();
        var file = await AMovieFile(library, await AMovie(), "The Matrix (1999)/The Matrix (1999).mkv");

        file.MarkMissing(At.AddDays(1));
        Assert.That((await Files.SaveAsync(Ct)).IsSuccess);

        var read = (await InNewScope(s => s.GetRequiredService<IMediaFileRepository>().FindAsync(file.Id, Ct)))!;
        Assert.Multiple(() =>
        {
            Assert.That(read.Path, Is.EqualTo("The Matrix (1999)/The Matrix (1999).mkv"));
            Assert.That(read.EpisodeId, Is.Null);
            Assert.That(read.State, Is.EqualTo(new FileState(false, 1234, At.AddDays(1))));
        });
    }

    [Test]
    public async Task MediaFile_EpisodeFile_RoundTrip()
    {
        var library = await ALibrary(LibraryKind.Series);
        var show = MediaItem.Series(NextTmdbId(), "Show", null, 2010, At);
        var episode = show.EnsureSeason(1).EnsureEpisode(3);
        await Items.AddAsync(show, Ct);
        var file = MediaFile.Create(library, show, episode, "Show/Season 01/Show - S01E03.mkv", FileState.Verified(5, At), At).Value;
        Assert.That((await Files.AddAsync(file, Ct)).IsSuccess);
        var read = await InNewScope(s => s.GetRequiredService<IMediaFileRepository>().FindAsync(file.Id, Ct));
        Assert.That(read!.EpisodeId, Is.EqualTo(episode.Id));
    }

    [Test]
    public async Task MediaFile_SamePathTwiceInLibrary_IsConflict()
    {
        var library = await ALibrary();
        var movie = await AMovie();
        await AMovieFile(library, movie, "same.mkv");
        var again = await InNewScope(s => s.GetRequiredService<IMediaFileRepository>()
            .AddAsync(MediaFile.Create(library, movie, null, "same.mkv", FileState.Verified(1, At), At).Value, Ct));
        Assert.That(again.Error?.Code, Is.EqualTo("media_file.duplicate_path"));
    }

    [Test]
    public async Task ImportAttempts_RoundTrip_AndOutliveTheirFile()
    {
        var library = await ALibrary();
        var file = await AMovieFile(library, await AMovie());
        var imports = Get<IImportAttemptRepository>();
        var success = ImportAttempt.Success(ImportMethod.Copy, file.Id, "/dl/m.mkv", "m.mkv", At, note: "hardlink impossible: cross_device");
        var failure = ImportAttempt.Failure(ImportMethod.Hardlink, "destination_exists", "A different file is there.", "/dl/m.mkv", "m.mkv", At);
        Assert.That((await imports.AddAsync(success, Ct)).IsSuccess);
        Assert.That((await imports.AddAsync(failure, Ct)).IsSuccess);

        Assert.That((await Files.RemoveAsync(file, Ct)).IsSuccess);

        var read = await InNewScope(async s =>
        {
            var repo = s.GetRequiredService<IImportAttemptRepository>();
            return (await repo.FindAsync(success.Id, Ct), await repo.FindAsync(failure.Id, Ct));
        });
        Assert.Multiple(() =>
        {
            Assert.That(read.Item1!.Method, Is.EqualTo(ImportMethod.Copy));
            Assert.That(read.Item1.MediaFileId, Is.Null, "forgetting the file keeps its history, unlinked");
            Assert.That(read.Item1.Error, Does.Contain("cross_device"));
            Assert.That(read.Item2!.ErrorCode, Is.EqualTo("destination_exists"));
            Assert.That(read.Item2.Succeeded, Is.False);
        });
    }

    [Test]
    public async Task UnmatchedFile_SuggestionsJson_RoundTrip_AndResolution()
    {
        var library = await ALibrary();
        var repo = Get<IUnmatchedFileRepository>();
        var file = UnmatchedFile.Discover(library.Id, "Unknown/weird name.mkv", 777,
            [new MatchSuggestion(603, MediaType.Movie, "The Matrix", 1999, 0.9), new MatchSuggestion(1396, MediaType.Series, "Breaking \"Bad\" ünï", null, 0.4)], At);
        Assert.That((await repo.AddAsync(file, Ct)).IsSuccess);

        var read = (await InNewScope(s => s.GetRequiredService<IUnmatchedFileRepository>().FindAsync(file.Id, Ct)))!;
        Assert.That(read.Suggestions, Is.EqualTo(file.Suggestions));
        Assert.That(read.Status, Is.EqualTo(UnmatchedStatus.Pending));

        await InNewScope(async s =>
        {
            var files = s.GetRequiredService<IUnmatchedFileRepository>();
            var stored = (await files.FindAsync(file.Id, Ct))!;
            stored.RefreshSuggestions([new MatchSuggestion(42, MediaType.Movie, "Other", 2000, 0.5)]);
            stored.Dismiss(At.AddHours(1));
            Assert.That((await files.SaveAsync(Ct)).IsSuccess);
        });
        var after = (await InNewScope(s => s.GetRequiredService<IUnmatchedFileRepository>().FindAsync(file.Id, Ct)))!;
        Assert.Multiple(() =>
        {
            Assert.That(after.Status, Is.EqualTo(UnmatchedStatus.Dismissed));
            Assert.That(after.ResolvedAt, Is.EqualTo(At.AddHours(1)));
            Assert.That(after.Suggestions.Single().TmdbId, Is.EqualTo(42));
        });
    }

    [Test]
    public async Task UnmatchedFile_SamePathTwice_IsConflict()
    {
        var library = await ALibrary();
        var repo = Get<IUnmatchedFileRepository>();
        await repo.AddAsync(UnmatchedFile.Discover(library.Id, "x.mkv", 1, [], At), Ct);
        var again = await InNewScope(s => s.GetRequiredService<IUnmatchedFileRepository>().AddAsync(UnmatchedFile.Discover(library.Id, "x.mkv", 1, [], At), Ct));
        Assert.That(again.Error?.Kind, Is.EqualTo(ErrorKind.Conflict));
    }

    [Test]
    public async Task UnmatchedFile_MatchedFileForgotten_KeepsStatus()
    {
        var library = await ALibrary();
        var media = await AMovieFile(library, await AMovie(), "matched.mkv");
        var unmatched = UnmatchedFile.Discover(library.Id, "matched.mkv", 1, [], At);
        unmatched.Match(media.Id, At);
        await Get<IUnmatchedFileRepository>().AddAsync(unmatched, Ct);
        await Files.RemoveAsync(media, Ct);
        var read = await InNewScope(s => s.GetRequiredService<IUnmatchedFileRepository>().FindAsync(unmatched.Id, Ct));
        Assert.That(read!.Status, Is.EqualTo(UnmatchedStatus.Matched));
        Assert.That(read.MediaFileId, Is.Null);
    }

    [Test]
    public async Task DeleteLibrary_RemovesItsFileRecordsAndQueue_KeepsMediaItems()
    {
        var library = await ALibrary();
        var movie = await AMovie();
        var file = await AMovieFile(library, movie);
        await Get<IUnmatchedFileRepository>().AddAsync(UnmatchedFile.Discover(library.Id, "u.mkv", 1, [], At), Ct);

        Assert.That((await InNewScope(async s =>
        {
            var libraries = s.GetRequiredService<ILibraryRepository>();
            return await libraries.RemoveAsync((await libraries.FindAsync(library.Id, Ct))!, Ct);
        })).IsSuccess);

        await InNewScope(async s =>
        {
            Assert.That(await s.GetRequiredService<IMediaFileRepository>().FindAsync(file.Id, Ct), Is.Null);
            Assert.That(await s.GetRequiredService<IUnmatchedFileRepository>().AnyAsync(new Unmatched(library.Id), Ct), Is.False);
            Assert.That(await s.GetRequiredService<IMediaItemRepository>().FindAsync(movie.Id, Ct), Is.Not.Null);
            var states = await s.GetRequiredService<MediaDbContext>().Database
                .SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM media_file_state WHERE media_file_id = {0}", file.Id.Value).SingleAsync(Ct);
            Assert.That(states, Is.Zero);
        });
    }

    [Test]
    public async Task DownloadJob_WithEpisodes_RoundTrip_AndItsDownloaderCannotGo()
    {
        var library = await ALibrary(LibraryKind.Series);
        var show = MediaItem.Series(NextTmdbId(), "Show", null, 2010, At);
        var e1 = show.EnsureSeason(1).EnsureEpisode(1);
        var e2 = show.EnsureSeason(1).EnsureEpisode(2);
        await Items.AddAsync(show, Ct);
        var downloader = Downloader.Create($"tr-{Guid.NewGuid():N}", DownloaderKind.Transmission, new Uri("http://127.0.0.1:9091/transmission/rpc"), "u", "protected", true, At);
        Db.Add(downloader);
        var job = DownloadJob.Queue(show.Id, [e1.Id, e2.Id], library.Id, downloader.Id, "magnet:?xt=urn:btih:abc", At);
        Db.Add(job);
        await Db.SaveChangesAsync(Ct);

        var read = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<DownloadJob>().SingleAsync(j => j.Id == job.Id, Ct));
        Assert.That(read.Episodes.Select(e => e.EpisodeId), Is.EquivalentTo(new[] { e1.Id, e2.Id }));
        Assert.That(read.Status, Is.EqualTo(DownloadStatus.Queued));

        var removed = await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Remove(await db.Set<Downloader>().SingleAsync(d => d.Id == downloader.Id, Ct));
            try { await db.SaveChangesAsync(Ct); return true; }
            catch (DbUpdateException) { return false; }
        });
        Assert.That(removed, Is.False, "a downloader with jobs is still in use");
    }

    [Test]
    public async Task Policy_NameTemplate_Setting_Cache_RoundTrip()
    {
        var library = await ALibrary();
        var policy = Policy.Create(library.Id, "Default",
            [new Rule(RuleKind.Resolution, "1080p"), new Rule(RuleKind.ForbiddenWord, "CAM")], [new PolicyAction(ActionKind.ImportMethod, "hardlink")], At);
        var template = NameTemplate.Create($"Movies {Guid.NewGuid():N}", TemplateKind.Movie, "{Title} ({Year})/{Title} ({Year})", At);
        var setting = AppSetting.Create($"key.{Guid.NewGuid():N}", "value", At);
        var cache = ApiCacheEntry.Create($"tmdb:movie:{Guid.NewGuid():N}", "{\"id\":603}", At.AddDays(1), At);
        Db.AddRange(policy, template, setting, cache);
        await Db.SaveChangesAsync(Ct);

        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            var p = await db.Set<Policy>().SingleAsync(x => x.Id == policy.Id, Ct);
            Assert.That(p.Rules, Is.EquivalentTo(policy.Rules));
            Assert.That(p.Actions, Is.EquivalentTo(policy.Actions));
            Assert.That((await db.Set<NameTemplate>().SingleAsync(x => x.Id == template.Id, Ct)).Pattern, Is.EqualTo(template.Pattern));
            Assert.That((await db.Set<AppSetting>().SingleAsync(x => x.Key == setting.Key, Ct)).Value, Is.EqualTo("value"));
            var entry = await db.Set<ApiCacheEntry>().SingleAsync(x => x.Key == cache.Key && x.ExpiresAt > At, Ct);
            Assert.That(entry.IsFresh(At), Is.True);
        });
    }

    [Test]
    public async Task Roles_AreSeeded_WithTheirPermissions()
    {
        var roles = await Db.Set<Role>().Include(r => r.Permissions).AsNoTracking().ToListAsync(Ct);
        var byName = roles.ToDictionary(r => r.Name);
        Assert.Multiple(() =>
        {
            Assert.That(byName.Keys, Is.SupersetOf(new[] { Role.Admin, Role.Manager, Role.Viewer }));
            Assert.That(byName[Role.Admin].Permissions.Select(p => p.Code), Is.EquivalentTo(Permission.All));
            Assert.That(byName[Role.Viewer].Permissions.Select(p => p.Code), Is.EquivalentTo(new[] { Permission.MediaRead }));
            Assert.That(byName[Role.Manager].Grants(Permission.UnmatchedResolve));
            Assert.That(byName[Role.Manager].Grants(Permission.UsersManage), Is.False);
            Assert.That(byName[Role.Manager].Grants(Permission.SettingsManage), Is.False);
        });
    }

    [Test]
    public async Task User_FoundByApiKeyHash_WithPermissions_UnlessDisabled()
    {
        var users = Get<IUserRepository>();
        var key = ApiKeys.Generate();
        var user = User.Create($"viewer-{Guid.NewGuid():N}"[..30], Role.ViewerId, ApiKeys.Hash(key), null, At);
        Assert.That((await users.AddAsync(user, Ct)).IsSuccess);
        var found = await InNewScope(s => s.GetRequiredService<IUserRepository>().FindByApiKeyHashAsync(ApiKeys.Hash(key), Ct));
        Assert.That(found?.Role, Is.EqualTo(Role.Viewer));
        Assert.That(found?.Permissions, Is.EquivalentTo(new[] { Permission.MediaRead }));
        Assert.That(await users.FindByApiKeyHashAsync(ApiKeys.Hash("wrong"), Ct), Is.Null);
    }

    [Test]
    public async Task User_SameNameTwice_IsConflict()
    {
        var name = $"u-{Guid.NewGuid():N}"[..20];
        await Get<IUserRepository>().AddAsync(User.Create(name, Role.ViewerId, ApiKeys.Hash(ApiKeys.Generate()), null, At), Ct);
        var again = await InNewScope(s => s.GetRequiredService<IUserRepository>()
            .AddAsync(User.Create(name, Role.ViewerId, ApiKeys.Hash(ApiKeys.Generate()), null, At), Ct));
        Assert.That(again.Error?.Code, Is.EqualTo("user.duplicate"));
    }

    [Test]
    public async Task Specification_FiltersOrdersAndPages()
    {
        var library = await ALibrary();
        var movie = await AMovie();
        foreach (var name in new[] { "c.mkv", "a.mkv", "b.mkv", "d.mkv" }) await AMovieFile(library, movie, name);
        var page = await Files.ListAsync(new FilesByPath(library.Id, skip: 1, take: 2), Ct);
        var count = await Files.CountAsync(new FilesByPath(library.Id, skip: 1, take: 2), Ct);
        Assert.That(page.Select(f => f.Path), Is.EqualTo(new[] { "b.mkv", "c.mkv" }));
        Assert.That(count, Is.EqualTo(4));
    }

    private sealed class Unmatched : Specification<UnmatchedFile>
    {
        public Unmatched(LibraryId library) => Query.Where(u => u.LibraryId == library);
    }

    private sealed class FilesByPath : Specification<MediaFile>
    {
        public FilesByPath(LibraryId library, int skip, int take) =>
            Query.Where(f => f.LibraryId == library).OrderBy(f => f.Path).Skip(skip).Take(take);
    }
}
