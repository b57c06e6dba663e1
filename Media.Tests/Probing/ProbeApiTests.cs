using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Application.Probing;
using Media.Domain.Probes;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Probing;

#pragma warning disable CS0618 // [Order]: one library, scanned and touched in steps

/// <summary>
/// Scans of a tree of real media files through the API: the probe queue fills media_file_probe and media_stream once,
/// a re-scan probes nothing, touching one file re-probes that one only; the media-file API shows the streams and
/// filters by what is inside the files. ffprobe runs are counted by a stand-in that logs each and runs the real one.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class ProbeApiTests(Provider provider)
{
    private FakeTmdb _tmdb = null!;
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;
    private CountingFfprobe _ffprobe = null!;
    private string _root = null!;
    private Guid _movies;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        TestMedia.Require();
        _tmdb = (await FakeTmdb.StartAsync())
            .Add(new FakeMovie(949, "Heat", "1995-12-15"))
            .Add(new FakeMovie(348, "Alien", "1979-05-25"))
            .Add(new FakeMovie(27205, "Inception", "2010-07-15"));
        _ffprobe = new CountingFfprobe();
        var settings = MediaApiFactory.TmdbSettings(_tmdb);
        settings["Probes:FfprobePath"] = _ffprobe.Executable;
        settings["Probes:PollInterval"] = "00:00:00.200";
        _api = await MediaApiFactory.CreateAsync(provider, settings: settings);
        _admin = _api.Admin();
        _root = Path.Combine(Path.GetTempPath(), $"media-probe-{Guid.NewGuid():N}");
        await TestMedia.CopyAsync(TestMedia.H264, _root, "Heat (1995)/Heat (1995).mkv");
        await TestMedia.CopyAsync(TestMedia.Hevc, _root, "Alien (1979)/Alien (1979).mkv");
        await TestMedia.CopyAsync(TestMedia.Truncated, _root, "Inception (2010)/Inception (2010).mp4");
        _movies = await _admin.CreateLibraryAsync("Movies", "movies", _root, Ct);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
        if (_tmdb is not null) await _tmdb.DisposeAsync();
        _ffprobe?.Delete();
        if (_root is not null && Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private async Task<List<MediaFileProbe>> ProbesAsync()
    {
        await using var scope = _api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MediaDbContext>().Set<MediaFileProbe>().AsNoTracking().ToListAsync(Ct);
    }

    private async Task<Dictionary<string, Guid>> FilesAsync()
    {
        var page = await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-files?libraryId={_movies}", MediaApiFactory.Json, Ct);
        return page.GetProperty("items").EnumerateArray().ToDictionary(f => Path.GetFileName(f.GetProperty("path").GetString()!), f => f.GetProperty("id").GetGuid());
    }

    /// <summary>Until no probe is needed (the queue drained), then a little longer: a probe that should not happen has time to.</summary>
    private async Task DrainedAsync()
    {
        var queue = _api.Services.GetRequiredService<IProbeQueue>();
        var clock = Stopwatch.StartNew();
        while (await queue.NeededCountAsync(Ct) > 0)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail("The probe queue did not drain within a minute.");
            await Task.Delay(100, Ct);
        }
        await Task.Delay(600, Ct);
    }

    private async Task<List<string>> NamesAsync(string query)
    {
        var page = await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-files?libraryId={_movies}&{query}", MediaApiFactory.Json, Ct);
        return page.GetProperty("items").EnumerateArray().Select(f => Path.GetFileName(f.GetProperty("path").GetString()!)).Order().ToList();
    }

    [Test, Order(1)]
    public async Task A_first_scan_probes_every_new_file_once_off_the_scan()
    {
        var scan = await _admin.ScanAsync(_movies, null, Ct);
        Assert.That((scan.GetProperty("status").GetString(), scan.GetProperty("filesIdentified").GetInt32()), Is.EqualTo(("completed", 3)));
        await DrainedAsync();

        Assert.That(_ffprobe.Probed.Order(), Is.EqualTo(new[] { "Alien (1979).mkv", "Heat (1995).mkv", "Inception (2010).mp4" }));
        var files = await FilesAsync();
        var probes = (await ProbesAsync()).ToDictionary(p => p.MediaFileId.Value);
        Assert.That(probes[files["Heat (1995).mkv"]].Status, Is.EqualTo(ProbeStatus.Probed));
        Assert.That((probes[files["Alien (1979).mkv"]].Resolution, probes[files["Alien (1979).mkv"]].HdrFormat), Is.EqualTo(("2160p", "hdr10")));
        var truncated = probes[files["Inception (2010).mp4"]];
        Assert.That((truncated.Status, truncated.Error), Is.EqualTo((ProbeStatus.Failed, truncated.Error)));
        Assert.That(truncated.Error, Does.Contain("moov atom not found"), "ffprobe's own message");
        Assert.That(probes.Values.Select(p => (p.Needed, p.ClaimToken)), Is.All.EqualTo((false, (Guid?)null)));

        var heat = await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-files/{files["Heat (1995).mkv"]}", MediaApiFactory.Json, Ct);
        var probe = heat.GetProperty("probe");
        Assert.That((probe.GetProperty("status").GetString(), probe.GetProperty("container").GetString(), probe.GetProperty("resolution").GetString(),
            probe.GetProperty("videoCodec").GetString()), Is.EqualTo(("probed", "matroska,webm", "720p", "h264")));
        var streams = probe.GetProperty("streams").EnumerateArray().ToList();
        Assert.That(streams.Select(s => (s.GetProperty("kind").GetString(), s.GetProperty("codec").GetString())),
            Is.EqualTo(new[] { ("video", "h264"), ("audio", "aac"), ("audio", "aac"), ("subtitle", "subrip") }));
        Assert.That((streams[0].GetProperty("width").GetInt32(), streams[0].GetProperty("height").GetInt32(), streams[0].GetProperty("frameRate").GetDouble()),
            Is.EqualTo((1280, 720, 25.0)));
        Assert.That((streams[1].GetProperty("language").GetString(), streams[1].GetProperty("title").GetString(), streams[1].GetProperty("default").GetBoolean(),
            streams[1].GetProperty("channelLayout").GetString()), Is.EqualTo(("eng", "English", true, "stereo")));
        Assert.That((streams[3].GetProperty("language").GetString(), streams[3].GetProperty("forced").GetBoolean()), Is.EqualTo(("spa", true)));
    }

    [Test, Order(2)]
    public async Task The_list_filters_by_what_is_inside_the_files()
    {
        Assert.Multiple(async () =>
        {
            Assert.That(await NamesAsync("resolution=720p"), Is.EqualTo(new[] { "Heat (1995).mkv" }));
            Assert.That(await NamesAsync("resolution=2160p"), Is.EqualTo(new[] { "Alien (1979).mkv" }));
            Assert.That(await NamesAsync("videoCodec=hevc"), Is.EqualTo(new[] { "Alien (1979).mkv" }));
            Assert.That(await NamesAsync("hdr=true"), Is.EqualTo(new[] { "Alien (1979).mkv" }));
            Assert.That(await NamesAsync("hdr=false"), Is.EqualTo(new[] { "Heat (1995).mkv" }));
            Assert.That(await NamesAsync("audioLanguage=fre"), Is.EqualTo(new[] { "Heat (1995).mkv" }));
            Assert.That(await NamesAsync("audioLanguage=ger"), Is.Empty);
            Assert.That(await NamesAsync("probeFailed=true"), Is.EqualTo(new[] { "Inception (2010).mp4" }));
            Assert.That(await NamesAsync("probeFailed=false&videoCodec=h264"), Is.EqualTo(new[] { "Heat (1995).mkv" }));
        });
        using var bad = await _admin.GetAsync($"/v1/media-files?resolution=1440p", Ct);
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await bad.JsonAsync()).GetProperty("errors").TryGetProperty("resolution", out _));
    }

    [Test, Order(3)]
    public async Task A_rescan_of_unchanged_files_probes_nothing()
    {
        var before = (await ProbesAsync()).ToDictionary(p => p.MediaFileId, p => p.ProbedAt);
        var scan = await _admin.ScanAsync(_movies, null, Ct);
        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"));
        await DrainedAsync();

        Assert.That(_ffprobe.Probed, Has.Count.EqualTo(3), "no probe ran again");
        Assert.That((await ProbesAsync()).ToDictionary(p => p.MediaFileId, p => p.ProbedAt), Is.EqualTo(before));
    }

    [Test, Order(4)]
    public async Task Touching_one_file_reprobes_that_one_only()
    {
        var files = await FilesAsync();
        var before = (await ProbesAsync()).ToDictionary(p => p.MediaFileId.Value, p => p.ProbedAt);
        // Another encode in its place: the 2160p HDR file under Heat's name (a new size and a new time).
        await TestMedia.CopyAsync(TestMedia.Hevc, _root, "Heat (1995)/Heat (1995).mkv");
        File.SetLastWriteTimeUtc(Path.Combine(_root, "Heat (1995)/Heat (1995).mkv"), DateTime.UtcNow.AddSeconds(1));
        var scan = await _admin.ScanAsync(_movies, null, Ct);
        Assert.That(scan.GetProperty("status").GetString(), Is.EqualTo("completed"));
        await DrainedAsync();

        Assert.That(_ffprobe.Probed.Skip(3), Is.EqualTo(new[] { "Heat (1995).mkv" }));
        var after = (await ProbesAsync()).ToDictionary(p => p.MediaFileId.Value);
        Assert.That(after[files["Heat (1995).mkv"]].ProbedAt, Is.GreaterThan(before[files["Heat (1995).mkv"]]!.Value));
        Assert.That(after[files["Heat (1995).mkv"]].Resolution, Is.EqualTo("2160p"), "the new content");
        Assert.That(after[files["Alien (1979).mkv"]].ProbedAt, Is.EqualTo(before[files["Alien (1979).mkv"]]));
        Assert.That(after[files["Inception (2010).mp4"]].ProbedAt, Is.EqualTo(before[files["Inception (2010).mp4"]]));

        // Only the time changes (same bytes, touched): the scan asks, the worker finds the size the same and the time new: probed.
        File.SetLastWriteTimeUtc(Path.Combine(_root, "Alien (1979)/Alien (1979).mkv"), DateTime.UtcNow.AddSeconds(2));
        await _admin.ScanAsync(_movies, null, Ct);
        await DrainedAsync();
        Assert.That(_ffprobe.Probed.Skip(4), Is.EqualTo(new[] { "Alien (1979).mkv" }));
    }
}
