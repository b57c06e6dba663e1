using System.Diagnostics;
using Media.Api.Background;
using Media.Application.Downloads;
using Media.Application.Scanning;
using Media.Domain.Common;
using Media.Domain.Downloads;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace Media.Tests.Downloaders;

/// <summary>
/// The import of a completed download when things go wrong: two monitors at once, a disk that fills up, an import that
/// throws, an instance that dies mid-import. The download client is a scripted stand-in; database and disk are real.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class DownloadJobImportTests(Provider provider) : DatabaseTest(provider)
{
    private readonly ScriptedClient _client = new();
    private string _dir = null!;

    private string Downloads => Path.Combine(_dir, "downloads");

    protected override void ConfigureServices(IServiceCollection services)
    {
        var factory = Substitute.For<IDownloadClientFactory>();
        factory.For(default!).ReturnsForAnyArgs(_client);
        services.AddSingleton(factory);
        services.AddSingleton(Substitute.For<IScanQueue>());
        services.AddSingleton<DownloaderBackoff>();
    }

    [OneTimeSetUp]
    public void MakeFolders()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"media-jobimport-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Downloads);
    }

    [OneTimeTearDown]
    public void RemoveFolders()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [SetUp]
    public void ResetClient() => _client.Reset();

    /// <summary>A movie library at <paramref name="root"/>, a title, a client and a job the client is downloading.</summary>
    private async Task<(Library Library, DownloadJob Job)> Arrange(string root, int tmdbId, DownloadStatus status = DownloadStatus.Downloading)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        Directory.CreateDirectory(root);
        var library = Library.Create($"Movies {tmdbId}", LibraryKind.Movies, StorageLocation.Local(root), at).Value;
        var item = MediaItem.Movie(tmdbId, $"Title {tmdbId}", null, 2001, at);
        var downloader = Downloader.Create($"Client {tmdbId}", DownloaderKind.Transmission, new Uri("http://127.0.0.1:1/"), null, null, true, at);
        var hash = $"{tmdbId:x40}";
        var job = DownloadJob.Queue(item.Id, [], library.Id, downloader.Id, $"magnet:?xt=urn:btih:{hash}", at);
        job.Progressed(hash, status == DownloadStatus.Downloading ? 0.5 : 1, Downloads, at);
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(library, item, downloader, job);
            await db.SaveChangesAsync(Ct);
        });
        return (library, job);
    }

    /// <summary>A finished release of one video file in the downloads folder; the client reports it complete.</summary>
    private string Release(string folder, int size)
    {
        var name = $"{folder}/{folder}.1080p.mkv";
        var path = Path.Combine(Downloads, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        _client.Status = new TorrentStatus("h", folder, 1, TorrentState.Completed, Downloads, [new TorrentFile(name, size, 1)], null);
        return path;
    }

    private Task<DownloadJob> JobAsync(DownloadJobId id) =>
        InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<DownloadJob>().AsNoTracking().SingleAsync(j => j.Id == id, Ct));

    private Task<List<ImportAttempt>> ImportsAsync(DownloadJobId id) =>
        InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<ImportAttempt>().AsNoTracking().Where(i => i.DownloadJobId == id).ToListAsync(Ct));

    /// <summary>One round of a monitor, as one API instance runs it.</summary>
    private Task MonitorRoundAsync() =>
        DownloadMonitor.RoundAsync(Services.GetRequiredService<IServiceScopeFactory>(), TimeSpan.FromMinutes(30), NullLogger.Instance, Ct);

    /// <summary>POST /v1/download-jobs/{id}/import.</summary>
    private async Task<Result<DownloadJobDto>> RetryImportAsync(DownloadJobId id)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ImportDownloadJobHandler>().Handle(new ImportDownloadJob(id), Ct);
    }

    [Test]
    public async Task Two_monitors_seeing_a_job_complete_import_it_once()
    {
        var (library, job) = await Arrange(Path.Combine(_dir, "twice"), 7001);
        Release("Title.7001.2001", 4096);
        _client.GateAfter(2); // both instances have loaded the job and asked the client before either goes on

        await Task.WhenAll(Task.Run(MonitorRoundAsync), Task.Run(MonitorRoundAsync));

        var imports = await ImportsAsync(job.Id);
        Assert.That(imports, Has.Count.EqualTo(1), string.Join(" | ", imports.Select(i => $"{i.Succeeded} {i.ErrorCode} {i.Error}")));
        Assert.That(imports[0].Succeeded, imports[0].Error);
        Assert.That((await JobAsync(job.Id)).Status, Is.EqualTo(DownloadStatus.Imported));
        var files = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaFile>().AsNoTracking().Where(f => f.LibraryId == library.Id).ToListAsync(Ct));
        Assert.That(files, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_copy_into_a_full_disk_leaves_no_partial_file_records_disk_full_and_the_job_failed_and_retryable()
    {
        var root = Path.Combine(_dir, "small-disk");
        using var disk = SmallDisk.Mount(root, "2m");
        var (_, job) = await Arrange(root, 7002, DownloadStatus.Completed);
        var source = Release("Title.7002.2001", 3 * 1024 * 1024);

        await MonitorRoundAsync();

        var after = await JobAsync(job.Id);
        Assert.That(after.Status, Is.EqualTo(DownloadStatus.Failed), after.Error);
        var imports = await ImportsAsync(job.Id);
        Assert.That(imports.Select(i => (i.Succeeded, i.ErrorCode)), Is.EqualTo(new[] { (false, (string?)"disk_full") }));
        Assert.That(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories), Is.Empty, "no staged .partial file and no destination left behind");
        Assert.That(new FileInfo(source).Length, Is.EqualTo(3 * 1024 * 1024), "the download is untouched");

        var retried = await RetryImportAsync(job.Id);
        Assert.That(retried.IsSuccess, retried.Error?.Message);
        Assert.That((await JobAsync(job.Id)).Status, Is.EqualTo(DownloadStatus.Failed), "still too big: failed again, not stuck importing");
        Assert.That(await ImportsAsync(job.Id), Has.Count.EqualTo(2), "the retry was recorded too");
    }

    [Test]
    public async Task An_import_that_throws_ends_failed_not_importing()
    {
        var (_, job) = await Arrange(Path.Combine(_dir, "throws"), 7003, DownloadStatus.Completed);
        Release("Title.7003.2001", 1024);
        _client.Throw = new InvalidOperationException("the client library broke");

        await MonitorRoundAsync();

        var after = await JobAsync(job.Id);
        Assert.That(after.Status, Is.EqualTo(DownloadStatus.Failed));
        Assert.That(after.Error, Does.Contain("the client library broke"));
    }

    [Test]
    public async Task An_import_whose_instance_died_is_failed_by_the_next_round_and_can_be_retried()
    {
        var (_, job) = await Arrange(Path.Combine(_dir, "died"), 7004, DownloadStatus.Completed);
        Release("Title.7004.2001", 2048);
        await InNewScope(async s => // an instance started the import an hour ago and was killed
        {
            var repository = s.GetRequiredService<IDownloadJobRepository>();
            var started = (await repository.FindAsync(job.Id, Ct))!;
            Assert.That(started.StartImport(DateTimeOffset.UtcNow.AddHours(-1)).IsSuccess);
            Assert.That((await repository.SaveAsync(Ct)).IsSuccess);
        });

        await MonitorRoundAsync();

        var after = await JobAsync(job.Id);
        Assert.That(after.Status, Is.EqualTo(DownloadStatus.Failed));
        Assert.That(after.Error, Does.Contain("interrupted"));
        Assert.That(await ImportsAsync(job.Id), Is.Empty, "nothing was imported by the round that ended it");
        var retried = await RetryImportAsync(job.Id);
        Assert.That(retried.Value.Status, Is.EqualTo(DownloadStatus.Imported), retried.Value.Error);
    }

    [Test]
    public async Task An_import_in_progress_is_left_alone_by_another_round()
    {
        var (_, job) = await Arrange(Path.Combine(_dir, "busy"), 7005, DownloadStatus.Completed);
        await InNewScope(async s =>
        {
            var repository = s.GetRequiredService<IDownloadJobRepository>();
            var started = (await repository.FindAsync(job.Id, Ct))!;
            Assert.That(started.StartImport(DateTimeOffset.UtcNow).IsSuccess);
            Assert.That((await repository.SaveAsync(Ct)).IsSuccess);
        });

        await MonitorRoundAsync();

        Assert.That((await JobAsync(job.Id)).Status, Is.EqualTo(DownloadStatus.Importing));
        Assert.That(await ImportsAsync(job.Id), Is.Empty);
    }

    /// <summary>The client the jobs talk to: reports <see cref="Status"/>; can hold callers until several have asked.</summary>
    private sealed class ScriptedClient : IDownloadClient
    {
        private TaskCompletionSource? _gate;
        private int _waiting;
        private int _needed;

        public TorrentStatus? Status { get; set; }
        public Exception? Throw { get; set; }

        public void Reset() => (Status, Throw, _gate, _waiting, _needed) = (null, null, null, 0, 0);

        public void GateAfter(int callers) => (_gate, _waiting, _needed) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), 0, callers);

        public Task<string> TestAsync(CancellationToken ct) => Task.FromResult("scripted");

        public Task<string> AddAsync(TorrentSource source, string? savePath, CancellationToken ct) => Task.FromResult("h");

        public async Task<TorrentStatus?> GetAsync(string hash, CancellationToken ct)
        {
            if (Throw is not null) throw Throw;
            if (_gate is { } gate)
            {
                if (Interlocked.Increment(ref _waiting) >= _needed) gate.TrySetResult();
                await gate.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            }
            return Status;
        }

        public Task RemoveAsync(string hash, CancellationToken ct) => Task.CompletedTask;
    }
}

/// <summary>A real, small file system (tmpfs) that fills up; needs root, else the test is skipped saying why.</summary>
internal sealed class SmallDisk : IDisposable
{
    private readonly string _path;

    private SmallDisk(string path) => _path = path;

    public static SmallDisk Mount(string path, string size)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            Assert.Ignore("A full disk is simulated with a tmpfs mount, which needs Linux and root.");
        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        if (code != 0) Assert.Ignore($"tmpfs could not be mounted (no CAP_SYS_ADMIN in this container?): {output}");
        return new SmallDisk(path);
    }

    public void Dispose() => Run("umount", _path);

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}
