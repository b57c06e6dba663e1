using System.Diagnostics;
using Media.Application.Imports;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Imports;

/// <summary>The import use case on a real database and a real file system: records for every attempt, nothing lost.</summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class ImportFileTests(Provider provider) : DatabaseTest(provider)
{
    private string _dir = null!;
    private Library _movies = null!;
    private Library _shows = null!;
    private MediaItem _matrix = null!;
    private MediaItem _heat = null!;
    private MediaItem _show = null!;

    private string Downloads => Path.Combine(_dir, "downloads");

    [OneTimeSetUp]
    public async Task Arrange()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"media-import-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Downloads);
        var at = DateTimeOffset.UtcNow;
        _movies = Library.Create("Movies", LibraryKind.Movies, StorageLocation.Local(Path.Combine(_dir, "movies")), at).Value;
        _shows = Library.Create("Shows", LibraryKind.Series, StorageLocation.Local(Path.Combine(_dir, "shows")), at).Value;
        Directory.CreateDirectory(_movies.Storage.Root);
        Directory.CreateDirectory(_shows.Storage.Root);
        _matrix = MediaItem.Movie(603, "The Matrix", null, 1999, at);
        _heat = MediaItem.Movie(949, "Heat", null, 1995, at);
        _show = MediaItem.Series(4000, "Show", null, 2020, at);
        var season = _show.EnsureSeason(1);
        season.EnsureEpisode(1, "Pilot");
        season.EnsureEpisode(2, "Second");
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(_movies, _shows, _matrix, _heat, _show);
            await db.SaveChangesAsync(Ct);
        });
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_dir, recursive: true);

    private string Download(string name, byte fill = 3, int size = 8192)
    {
        var path = Path.Combine(Downloads, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Enumerable.Repeat(fill, size).ToArray());
        return path;
    }

    private Task<Media.Domain.Common.Result<Media.Application.MediaFiles.ImportDto>> Import(ImportFile cmd) => Get<ImportFileHandler>().Handle(cmd, Ct);

    private Task<List<ImportAttempt>> Attempts(string source) =>
        InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ImportAttempt>().AsNoTracking().Where(i => i.SourcePath == source).OrderBy(i => i.AttemptedAt).ToListAsync(Ct));


    [Test]
    public async Task A_movie_lands_at_its_templated_path_as_a_hardlink_with_its_records()
    {
        var source = Download("The.Matrix.1999.1080p.BluRay.x264-GRP/the.matrix.1999.1080p.mkv");
        var result = await Import(new ImportFile(_movies.Id, source, _matrix.Id, []));
        Assert.That(result.IsSuccess, result.Error?.Message);
        Assert.That((result.Value.Method, result.Value.Succeeded, result.Value.DestinationPath),
            Is.EqualTo((ImportMethod.Hardlink, true, "The Matrix (1999)/The Matrix (1999).mkv")));
        var destination = Path.Combine(_movies.Storage.Root, "The Matrix (1999)/The Matrix (1999).mkv");
        Assert.That(TestFiles.Inode(destination), Is.EqualTo(TestFiles.Inode(source)));
        var file = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaFile>().AsNoTracking()
            .SingleAsync(f => f.Path == "The Matrix (1999)/The Matrix (1999).mkv", Ct));
        Assert.That((file.MediaItemId, file.State.Exists, file.State.Size), Is.EqualTo((_matrix.Id, true, 8192L)));
        Assert.That(result.Value.MediaFileId, Is.EqualTo(file.Id.Value));

        var again = await Import(new ImportFile(_movies.Id, source, _matrix.Id, []));
        Assert.That(again.IsSuccess, "history never blocks a re-import; the same file counts as imported");
        Assert.That(await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaFile>().CountAsync(f => f.MediaItemId == _matrix.Id, Ct)), Is.EqualTo(1));
        Assert.That(await Attempts(source), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_two_episode_pack_is_named_as_a_range_and_a_forced_copy_is_byte_identical()
    {
        var source = Download("Show.S01E01E02.1080p.WEB.h264-GRP.mkv", fill: 9, size: 70_000);
        var episodes = _show.Seasons.Single().Episodes.Select(e => e.Id).ToList();
        var result = await Import(new ImportFile(_shows.Id, source, _show.Id, episodes, Mode: TransferMode.Copy));
        Assert.That(result.IsSuccess, result.Error?.Message);
        Assert.That(result.Value.DestinationPath, Is.EqualTo("Show (2020)/Season 01/Show - S01E01-E02 - Pilot.mkv"));
        Assert.That(result.Value.Method, Is.EqualTo(ImportMethod.Copy));
        var destination = Path.Combine(_shows.Storage.Root, result.Value.DestinationPath);
        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(File.ReadAllBytes(source)));
        Assert.That(TestFiles.Inode(destination), Is.Not.EqualTo(TestFiles.Inode(source)));
        Assert.That(result.Value.Error, Does.Contain("episodes 1, 2"));
    }

    [Test]
    public async Task A_different_file_at_the_destination_fails_the_import_and_changes_nothing()
    {
        var blocker = Path.Combine(_movies.Storage.Root, "Heat (1995)/Heat (1995).mkv");
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllBytes(blocker, [1, 2, 3]);
        var source = Download("Heat.1995.mkv", fill: 4);
        var result = await Import(new ImportFile(_movies.Id, source, _heat.Id, []));
        Assert.That(result.Error?.Code, Is.EqualTo("import.destination_exists"));
        Assert.That(File.ReadAllBytes(blocker), Is.EqualTo(new byte[] { 1, 2, 3 }), "never overwritten");
        Assert.That(File.Exists(source), "the source is untouched");
        var attempt = (await Attempts(source)).Single();
        Assert.That((attempt.Succeeded, attempt.ErrorCode, attempt.MediaFileId), Is.EqualTo((false, "destination_exists", (MediaFileId?)null)));
        File.Delete(blocker);

        var retried = await Import(new ImportFile(_movies.Id, source, _heat.Id, []));
        Assert.That(retried.IsSuccess, "a failed import can be retried");
    }

    [Test]
    public async Task A_vanished_source_or_a_non_video_file_is_a_failed_record()
    {
        var gone = Path.Combine(Downloads, "gone/Heat.1995.mkv");
        var missing = await Import(new ImportFile(_movies.Id, gone, _heat.Id, []));
        Assert.That(missing.Error?.Code, Is.EqualTo("import.source_missing"));
        Assert.That((await Attempts(gone)).Single().ErrorCode, Is.EqualTo("source_missing"));

        var nfo = Download("Heat.1995/heat.nfo");
        var notVideo = await Import(new ImportFile(_movies.Id, nfo, _heat.Id, []));
        Assert.That(notVideo.Error?.Code, Is.EqualTo("import.no_video_file"));
        var sample = Download("Heat.1995/heat.1995.sample.mkv");
        Assert.That((await Import(new ImportFile(_movies.Id, sample, _heat.Id, []))).Error?.Code, Is.EqualTo("import.no_video_file"));
    }

    [Test]
    public async Task An_upgrade_replaces_the_file_and_recycles_the_old_one()
    {
        var first = Download("Upgrade/Show.S01E01.720p.mkv", fill: 1, size: 1000);
        var pilot = _show.FindEpisode(1, 1)!.Id;
        var pattern = "{Series Title}/{Series Title} S{Season:00}E{Episode:00}";
        Assert.That((await Import(new ImportFile(_shows.Id, first, _show.Id, [pilot], EpisodePattern: pattern))).IsSuccess);
        var better = Download("Upgrade/Show.S01E01.2160p.mkv", fill: 2, size: 5000);
        var result = await Import(new ImportFile(_shows.Id, better, _show.Id, [pilot], EpisodePattern: pattern));
        Assert.That(result.IsSuccess, result.Error?.Message);
        Assert.That(result.Value.Error, Does.Contain("Replaced the previous file"));
        Assert.That(new FileInfo(Path.Combine(_shows.Storage.Root, "Show/Show S01E01.mkv")).Length, Is.EqualTo(5000));
        Assert.That(new FileInfo(Path.Combine(_shows.Storage.Root, ".recycle/Show/Show S01E01.mkv")).Length, Is.EqualTo(1000), "the old file is kept");
        var file = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaFile>().AsNoTracking().SingleAsync(f => f.Path == "Show/Show S01E01.mkv", Ct));
        Assert.That(file.State.Size, Is.EqualTo(5000));
    }

    [Test]
    public async Task An_upgrade_to_a_worse_picture_is_refused_and_the_current_file_stays()
    {
        TestMedia.Require();
        var second = _show.FindEpisode(1, 2)!.Id;
        var pattern = "{Series Title}/{Series Title} S{Season:00}E{Episode:00}";
        var uhd = await TestMedia.CopyAsync(TestMedia.Hevc, Downloads, "Worse/Show.S01E02.2160p.mkv");
        Assert.That((await Import(new ImportFile(_shows.Id, uhd, _show.Id, [second], EpisodePattern: pattern))).IsSuccess);
        // Named 2160p too, but its picture is 1280x720: by its name an upgrade, by what is inside it not.
        var worse = await TestMedia.CopyAsync(TestMedia.H264, Downloads, "Worse/Show.S01E02.2160p.REPACK.mkv");

        var result = await Import(new ImportFile(_shows.Id, worse, _show.Id, [second], EpisodePattern: pattern));

        Assert.That(result.Error?.Code, Is.EqualTo("import.not_an_upgrade"));
        Assert.That(result.Error!.Message, Is.EqualTo(
            "Not an upgrade: the new file is 720p (1280x720), 8-bit h264, the current one 2160p (3840x2160) hdr10, 10-bit hevc; the current file stays."));
        var current = Path.Combine(_shows.Storage.Root, "Show/Show S01E02.mkv");
        Assert.That(await File.ReadAllBytesAsync(current, Ct), Is.EqualTo(await File.ReadAllBytesAsync(uhd, Ct)), "the current file is untouched");
        Assert.That(File.Exists(Path.Combine(_shows.Storage.Root, ".recycle/Show/Show S01E02.mkv")), Is.False);
        Assert.That((await Attempts(worse)).Select(a => (a.Succeeded, a.ErrorCode)), Is.EqualTo(new[] { (false, "not_an_upgrade") }));
    }

    [Test]
    public async Task An_upgrade_to_a_better_picture_replaces_the_file_and_says_why()
    {
        TestMedia.Require();
        var hd = await TestMedia.CopyAsync(TestMedia.H264, Downloads, "Better/Heat.1995.720p.mkv");
        Assert.That((await Import(new ImportFile(_movies.Id, hd, _heat.Id, []))).IsSuccess);
        var uhd = await TestMedia.CopyAsync(TestMedia.Hevc, Downloads, "Better/Heat.1995.2160p.mkv");

        var result = await Import(new ImportFile(_movies.Id, uhd, _heat.Id, []));

        Assert.That(result.IsSuccess, result.Error?.Message);
        Assert.That(result.Value.Error, Does.Contain("An upgrade: 2160p (3840x2160) hdr10, 10-bit hevc replaces 720p (1280x720), 8-bit h264."));
        Assert.That(new FileInfo(Path.Combine(_movies.Storage.Root, "Heat (1995)/Heat (1995).mkv")).Length, Is.EqualTo(new FileInfo(uhd).Length));
    }
}
