using Media.Application.Downloads;
using Media.Domain.Downloads;
using Media.Infrastructure;
using Media.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Downloaders;

/// <summary>The Transmission and qBittorrent adapters against the real daemons, completing torrents of local data.</summary>
[TestFixture(DownloaderKind.Transmission), TestFixture(DownloaderKind.Qbittorrent)]
public sealed class DownloadClientTests(DownloaderKind kind)
{
    private ServiceProvider _services = null!;
    private TorrentDaemon _daemon = null!;
    private IDownloadClientFactory _clients = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        if (!TorrentDaemon.Installed(kind)) Assert.Ignore($"{kind} is not installed (build.ps1 test installs it as root).");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "sqlite", ["ConnectionStrings:Media"] = "Data Source=unused.db",
        }).Build();
        _services = new ServiceCollection().AddLogging().AddMediaInfrastructure(configuration).BuildServiceProvider();
        _clients = _services.GetRequiredService<IDownloadClientFactory>();
        _daemon = await TorrentDaemon.StartAsync(kind, _clients);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_daemon is not null) await _daemon.DisposeAsync();
        if (_services is not null) await _services.DisposeAsync();
    }

    private IDownloadClient Client => _clients.For(_daemon.Connection);

    [Test]
    public async Task Connects_and_refuses_a_wrong_password()
    {
        Assert.That(await Client.TestAsync(Ct), Does.StartWith(kind == DownloaderKind.Transmission ? "Transmission" : "qBittorrent"));
        var wrong = _clients.For(_daemon.Connection with { Password = "wrong" });
        await Assert.ThrowsAsync<DownloadClientException>(() => wrong.TestAsync(Ct));
    }

    [Test]
    public async Task Completes_a_torrent_of_local_data_reports_its_files_and_removes_it_keeping_the_data()
    {
        var release = Path.Combine(_daemon.DataDirectory, "Movie.2000.1080p.BluRay.x264-GRP");
        Directory.CreateDirectory(release);
        var payload = new byte[700_000];
        Random.Shared.NextBytes(payload);
        await File.WriteAllBytesAsync(Path.Combine(release, "movie.2000.1080p.mkv"), payload, Ct);
        await File.WriteAllTextAsync(Path.Combine(release, "movie.nfo"), "info", Ct);
        var torrent = await TorrentDaemon.MakeTorrentAsync(release);

        var hash = await Client.AddAsync(TorrentSource.FromFile(torrent), _daemon.DataDirectory, Ct);
        Assert.That(hash, Has.Length.EqualTo(40));

        TorrentStatus? status = null;
        for (var i = 0; i < 150 && status?.State != TorrentState.Completed; i++)
        {
            status = await Client.GetAsync(hash, Ct);
            if (status?.State != TorrentState.Completed) await Task.Delay(200, Ct);
        }
        Assert.That(status, Is.Not.Null);
        Assert.That((status!.State, status.Progress, status.Hash), Is.EqualTo((TorrentState.Completed, 1.0, hash)), "verified from local data, no network");
        Assert.That(status.SavePath.TrimEnd('/'), Is.EqualTo(_daemon.DataDirectory));
        Assert.That(status.Files.Select(f => (f.Path, f.Size)), Is.EquivalentTo(new[]
        {
            ("Movie.2000.1080p.BluRay.x264-GRP/movie.2000.1080p.mkv", 700_000L), ("Movie.2000.1080p.BluRay.x264-GRP/movie.nfo", 4L),
        }));

        await Client.RemoveAsync(hash, Ct);
        TorrentStatus? gone = status;
        for (var i = 0; i < 50 && gone is not null; i++)
        {
            gone = await Client.GetAsync(hash, Ct);
            if (gone is not null) await Task.Delay(100, Ct);
        }
        Assert.That(gone, Is.Null);
        Assert.That(File.Exists(Path.Combine(release, "movie.2000.1080p.mkv")), "the data stays");
    }

    [Test]
    public async Task An_unknown_torrent_is_null()
    {
        Assert.That(await Client.GetAsync(new string('a', 40), Ct), Is.Null);
    }
}
