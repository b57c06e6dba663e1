using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Application.Downloads;
using Media.Domain.Downloads;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Downloaders;

#pragma warning disable CS0618 // [Order]: the steps share one daemon and one library

/// <summary>
/// The whole pipeline against a real daemon: a download job is handed to the client, the client completes it from
/// local data, the monitor imports it under its templated name (hardlink, same inode), with media file, state and
/// import records; a forced copy is byte-identical; a failing import changes nothing on disk and can be retried.
/// </summary>
[TestFixture(DownloaderKind.Transmission), TestFixture(DownloaderKind.Qbittorrent)]
public sealed class DownloadPipelineTests(DownloaderKind kind)
{
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private TorrentDaemon _daemon = null!;
    private string _root = null!;
    private Guid _movies, _shows, _downloader;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        if (!TorrentDaemon.Installed(kind)) Assert.Ignore($"{kind} is not installed.");
        _api = await MediaApiFactory.CreateAsync(Provider.Postgres, settings: new Dictionary<string, string?> { ["Downloads:PollInterval"] = "00:00:00.300" });
        _admin = _api.Admin();
        _daemon = await TorrentDaemon.StartAsync(kind, _api.Services.GetRequiredService<IDownloadClientFactory>());
        _root = Path.Combine(Path.GetTempPath(), $"media-pipeline-{Guid.NewGuid():N}");
        _movies = await _admin.CreateLibraryAsync("Movies", "movies", Path.Combine(_root, "movies"), Ct);
        _shows = await _admin.CreateLibraryAsync("Shows", "series", Path.Combine(_root, "shows"), Ct);
        using var created = await _admin.PostAsJsonAsync("/v1/downloaders", new
        {
            name = kind.ToString(), kind = kind.ToString().ToLowerInvariant(), url = _daemon.Connection.Url.ToString(),
            username = _daemon.Connection.Username, password = _daemon.Connection.Password, enabled = true,
        }, Ct);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync(Ct));
        _downloader = (await created.JsonAsync()).GetProperty("id").GetGuid();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_daemon is not null) await _daemon.DisposeAsync();
        _admin?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
        if (_root is not null && Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private async Task<MediaItem> Item(MediaItem item)
    {
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        db.Add(item);
        await db.SaveChangesAsync(Ct);
        return item;
    }

    private async Task<string> Release(string folder, params (string Name, int Size)[] files)
    {
        var path = Path.Combine(_daemon.DataDirectory, folder);
        Directory.CreateDirectory(path);
        foreach (var (name, size) in files)
        {
            var bytes = new byte[size];
            Random.Shared.NextBytes(bytes);
            // No zero byte: random data now and then holds a raw video start code (00 00 8x, 00 00 01) and ffprobe reads
            // it as a 176x144 video, which the policy's resolution rule then refuses.
            bytes.AsSpan().Replace((byte)0, (byte)1);
            await File.WriteAllBytesAsync(Path.Combine(path, name), bytes, Ct);
        }
        return path;
    }

    private async Task<JsonElement> Job(Guid item, Guid library, string release, params Guid[] episodes)
    {
        var torrent = await TorrentDaemon.MakeTorrentAsync(release);
        using var created = await _admin.PostAsJsonAsync("/v1/download-jobs", new
        {
            mediaItemId = item, episodeIds = episodes, downloaderId = _downloader, libraryId = library, torrent = Convert.ToBase64String(torrent),
        }, Ct);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync(Ct));
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();
        return await Until(id, "imported", "failed");
    }

    private async Task<JsonElement> Until(Guid job, params string[] statuses)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var state = await _admin.GetFromJsonAsync<JsonElement>($"/v1/download-jobs/{job}", MediaApiFactory.Json, Ct);
            if (statuses.Contains(state.GetProperty("status").GetString())) return state;
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail($"The job stayed {state}");
            await Task.Delay(200, Ct);
        }
    }

    private async Task<List<JsonElement>> Imports(Guid job) =>
        (await _admin.GetFromJsonAsync<JsonElement>($"/v1/imports?downloadJobId={job}", MediaApiFactory.Json, Ct)).GetProperty("items").EnumerateArray().ToList();


    [Test, Order(1)]
    public async Task A_movie_download_lands_as_a_hardlink_at_its_templated_path()
    {
        var movie = await Item(MediaItem.Movie(70_001, "Pipeline Movie", null, 2001, DateTimeOffset.UtcNow));
        var release = await Release("Pipeline.Movie.2001.1080p.BluRay.x264-GRP",
            ("pipeline.movie.2001.1080p.mkv", 300_000), ("pipeline.movie.2001.sample.mkv", 20_000), ("info.nfo", 100),
            ("pipeline.movie.2001.1080p.en.srt", 500));
        var job = await Job(movie.Id.Value, _movies, release);
        Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("imported"), job.ToString());

        var destination = Path.Combine(_root, "movies", "Pipeline Movie (2001)", "Pipeline Movie (2001).mkv");
        Assert.That(TestFiles.Inode(destination), Is.EqualTo(TestFiles.Inode(Path.Combine(release, "pipeline.movie.2001.1080p.mkv"))), "a hardlink");
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(destination)!).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "Pipeline Movie (2001).en.srt", "Pipeline Movie (2001).mkv" }), "the subtitle comes along; the sample and the .nfo stay behind");
        var imports = await Imports(job.GetProperty("id").GetGuid());
        Assert.That(imports.Select(i => (i.GetProperty("method").GetString(), i.GetProperty("succeeded").GetBoolean())), Is.EqualTo(new[] { ("hardlink", true) }));
        var file = await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-files/{imports[0].GetProperty("mediaFileId").GetGuid()}", MediaApiFactory.Json, Ct);
        Assert.That((file.GetProperty("path").GetString(), file.GetProperty("state").GetProperty("size").GetInt64()),
            Is.EqualTo(("Pipeline Movie (2001)/Pipeline Movie (2001).mkv", 300_000L)));

        // The imported folder was rescanned: the scan history of the library has a scan of exactly that folder.
        var clock = Stopwatch.StartNew();
        JsonElement? folderScan = null;
        while (folderScan is null && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var scans = await _admin.GetFromJsonAsync<JsonElement>($"/v1/scans?libraryId={_movies}", MediaApiFactory.Json, Ct);
            folderScan = scans.GetProperty("items").EnumerateArray().Cast<JsonElement?>()
                .FirstOrDefault(s => s!.Value.GetProperty("path").GetString() == "Pipeline Movie (2001)" && s.Value.GetProperty("status").GetString() == "completed");
            if (folderScan is null) await Task.Delay(200, Ct);
        }
        Assert.That(folderScan, Is.Not.Null, "a targeted scan of the imported folder");
        Assert.That(folderScan!.Value.GetProperty("filesIdentified").GetInt32(), Is.Zero, "the imported file was already known");
    }

    [Test, Order(2)]
    public async Task A_two_episode_pack_maps_its_files_to_their_episodes()
    {
        var show = MediaItem.Series(70_002, "Pipeline Show", null, 2020, DateTimeOffset.UtcNow);
        var season = show.EnsureSeason(1);
        var e1 = season.EnsureEpisode(1, "Opening");
        var e2 = season.EnsureEpisode(2, "Closing");
        await Item(show);
        var release = await Release("Pipeline.Show.S01.1080p.WEB.h264-GRP",
            ("Pipeline.Show.S01E01.1080p.WEB.h264-GRP.mkv", 200_000), ("Pipeline.Show.S01E02.1080p.WEB.h264-GRP.mkv", 210_000),
            ("Pipeline.Show.S01E01.sample.mkv", 10_000));
        var job = await Job(show.Id.Value, _shows, release, e1.Id.Value, e2.Id.Value);
        Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("imported"), job.ToString());
        var folder = Path.Combine(_root, "shows", "Pipeline Show (2020)", "Season 01");
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName).Order(), Is.EqualTo(new[]
        {
            "Pipeline Show - S01E01 - Opening.mkv", "Pipeline Show - S01E02 - Closing.mkv",
        }));
        Assert.That(await Imports(job.GetProperty("id").GetGuid()), Has.Count.EqualTo(2));
    }

    [Test, Order(3)]
    public async Task A_forced_copy_is_byte_identical()
    {
        using (var put = await _admin.PutAsJsonAsync("/v1/settings/import.defaultMethod", new { value = "copy" }, Ct))
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        try
        {
            var movie = await Item(MediaItem.Movie(70_003, "Copied Movie", null, 2003, DateTimeOffset.UtcNow));
            var release = await Release("Copied.Movie.2003.720p.WEB-GRP", ("copied.movie.2003.720p.mkv", 150_000));
            var job = await Job(movie.Id.Value, _movies, release);
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("imported"), job.ToString());
            var destination = Path.Combine(_root, "movies", "Copied Movie (2003)", "Copied Movie (2003).mkv");
            var source = Path.Combine(release, "copied.movie.2003.720p.mkv");
            Assert.That(File.ReadAllBytes(destination), Is.EqualTo(File.ReadAllBytes(source)));
            Assert.That(TestFiles.Inode(destination), Is.Not.EqualTo(TestFiles.Inode(source)));
            Assert.That((await Imports(job.GetProperty("id").GetGuid())).Single().GetProperty("method").GetString(), Is.EqualTo("copy"));
        }
        finally
        {
            using var reset = await _admin.PutAsJsonAsync("/v1/settings/import.defaultMethod", new { value = "hardlink" }, Ct);
        }
    }

    [Test, Order(4)]
    public async Task A_failing_import_changes_nothing_on_disk_and_can_be_retried()
    {
        var movie = await Item(MediaItem.Movie(70_004, "Blocked Movie", null, 2004, DateTimeOffset.UtcNow));
        var blocker = Path.Combine(_root, "movies", "Blocked Movie (2004)", "Blocked Movie (2004).mkv");
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        await File.WriteAllBytesAsync(blocker, [1, 2, 3], Ct);
        var release = await Release("Blocked.Movie.2004.1080p-GRP", ("blocked.movie.2004.1080p.mkv", 120_000));

        var job = await Job(movie.Id.Value, _movies, release);
        var id = job.GetProperty("id").GetGuid();
        Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("failed"));
        Assert.That(job.GetProperty("error").GetString()!, Does.Contain("already exists"));
        Assert.That(File.ReadAllBytes(blocker), Is.EqualTo(new byte[] { 1, 2, 3 }), "the other file is not overwritten");
        Assert.That(File.Exists(Path.Combine(release, "blocked.movie.2004.1080p.mkv")), "the source is untouched");
        var failed = (await Imports(id)).Single();
        Assert.That((failed.GetProperty("succeeded").GetBoolean(), failed.GetProperty("errorCode").GetString()), Is.EqualTo((false, "destination_exists")));

        File.Delete(blocker);
        using var retry = await _admin.PostAsync($"/v1/download-jobs/{id}/import", null, Ct);
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK), await retry.Content.ReadAsStringAsync(Ct));
        Assert.That((await retry.JsonAsync()).GetProperty("status").GetString(), Is.EqualTo("imported"));
        Assert.That(await Imports(id), Has.Count.EqualTo(2), "history never blocks a re-import");
    }

    [Test, Order(5)]
    public async Task The_library_policy_rejects_releases_and_chooses_the_name_template_and_the_torrent_removal()
    {
        using var template = await _admin.PostAsJsonAsync("/v1/name-templates", new { name = "By id", kind = "movie", pattern = "{Title} [{TmdbId}]/{Title}" }, Ct);
        Assert.That(template.StatusCode, Is.EqualTo(HttpStatusCode.Created), await template.Content.ReadAsStringAsync(Ct));
        var templateId = (await template.JsonAsync()).GetProperty("id").GetGuid();
        using var policy = await _admin.PostAsJsonAsync("/v1/policies", new
        {
            libraryId = _movies, name = "Good copies",
            rules = new[] { new { kind = "forbidden_word", value = "CAM" }, new { kind = "resolution", value = "1080p,2160p" } },
            actions = new[] { new { kind = "name_template", value = templateId.ToString() }, new { kind = "remove_torrent", value = "true" } },
        }, Ct);
        Assert.That(policy.StatusCode, Is.EqualTo(HttpStatusCode.Created), await policy.Content.ReadAsStringAsync(Ct));
        var policyId = (await policy.JsonAsync()).GetProperty("id").GetGuid();
        try
        {
            var movie = await Item(MediaItem.Movie(70_005, "Policy Movie", null, 2005, DateTimeOffset.UtcNow));
            var rejected = await Release("Policy.Movie.2005.CAM.720p-GRP", ("policy.movie.mkv", 50_000));
            using (var refused = await _admin.PostAsJsonAsync("/v1/download-jobs", new
                   {
                       mediaItemId = movie.Id.Value, downloaderId = _downloader, libraryId = _movies,
                       torrent = Convert.ToBase64String(await TorrentDaemon.MakeTorrentAsync(rejected)),
                   }, Ct))
            {
                Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
                var problem = await refused.JsonAsync();
                Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("policy.rejected"));
                Assert.That(problem.GetProperty("reasons").ToString(), Does.Contain("CAM").And.Contain("720p"));
            }

            var accepted = await Release("Policy.Movie.2005.1080p.BluRay-GRP", ("policy.movie.2005.1080p.mkv", 60_000));
            var job = await Job(movie.Id.Value, _movies, accepted);
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("imported"), job.ToString());
            Assert.That(File.Exists(Path.Combine(_root, "movies", "Policy Movie [70005]", "Policy Movie.mkv")), "named by the policy's template");
            var client = _api.Services.GetRequiredService<IDownloadClientFactory>().For(_daemon.Connection);
            Assert.That(await client.GetAsync(job.GetProperty("hash").GetString()!, Ct), Is.Null, "the torrent was removed after the import");
            Assert.That(File.Exists(Path.Combine(accepted, "policy.movie.2005.1080p.mkv")), "its data stays");
        }
        finally
        {
            using var _ = await _admin.DeleteAsync($"/v1/policies/{policyId}", Ct);
        }
    }

    [Test, Order(6)]
    public async Task A_release_named_1080p_whose_video_is_720p_is_rejected_on_its_probed_resolution()
    {
        TestMedia.Require();
        using var policy = await _admin.PostAsJsonAsync("/v1/policies", new
        {
            libraryId = _movies, name = "Full HD or better", rules = new[] { new { kind = "resolution", value = "1080p,2160p" } }, actions = Array.Empty<object>(),
        }, Ct);
        Assert.That(policy.StatusCode, Is.EqualTo(HttpStatusCode.Created), await policy.Content.ReadAsStringAsync(Ct));
        var policyId = (await policy.JsonAsync()).GetProperty("id").GetGuid();
        try
        {
            var movie = await Item(MediaItem.Movie(70_006, "Mislabel Movie", null, 2006, DateTimeOffset.UtcNow));
            var release = Path.Combine(_daemon.DataDirectory, "Mislabel.Movie.2006.1080p.WEB-DL-GRP");
            var video = await TestMedia.CopyAsync(TestMedia.H264, release, "mislabel.movie.2006.1080p.mkv");

            // The name says 1080p, so the job is accepted; what is inside is 1280x720, so the import is refused.
            var job = await Job(movie.Id.Value, _movies, release);
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("failed"), job.ToString());
            var imports = await Imports(job.GetProperty("id").GetGuid());
            Assert.That(imports.Select(i => (i.GetProperty("succeeded").GetBoolean(), i.GetProperty("errorCode").GetString())),
                Is.EqualTo(new[] { (false, "policy_rejected") }));
            Assert.That(imports[0].GetProperty("error").GetString(),
                Is.EqualTo("Full HD or better: the video is 720p (1280x720), not one of 1080p, 2160p."));
            Assert.That(job.GetProperty("error").GetString(), Does.Contain("720p (1280x720)"));
            Assert.That(Directory.Exists(Path.Combine(_root, "movies", "Mislabel Movie (2006)")), Is.False, "nothing reached the library");
            Assert.That(File.Exists(video), "the download stays");
            var files = await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-files?mediaItemId={movie.Id.Value}", MediaApiFactory.Json, Ct);
            Assert.That(files.GetProperty("totalCount").GetInt32(), Is.Zero);
        }
        finally
        {
            using var _ = await _admin.DeleteAsync($"/v1/policies/{policyId}", Ct);
        }
    }
}
