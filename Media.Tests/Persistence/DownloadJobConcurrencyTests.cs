using Media.Application.Downloads;
using Media.Domain.Common;
using Media.Domain.Downloads;
using Media.Domain.Libraries;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Persistence;

/// <summary>Two monitors (two API instances) seeing the same completed job: only one may start its import.</summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class DownloadJobConcurrencyTests(Provider provider) : DatabaseTest(provider)
{
    [Test]
    public async Task Only_one_of_two_writers_starts_the_import()
    {
        var at = DateTimeOffset.UtcNow;
        var library = Library.Create("L", LibraryKind.Movies, StorageLocation.Local($"/srv/{Guid.NewGuid():N}"), at).Value;
        var item = MediaItem.Movie(5151, "M", null, 2000, at);
        var downloader = Downloader.Create("D", DownloaderKind.Transmission, new Uri("http://127.0.0.1:1/"), null, null, true, at);
        var job = DownloadJob.Queue(item.Id, [], library.Id, downloader.Id, "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567", at);
        job.Progressed("0123456789abcdef0123456789abcdef01234567", 1, "/downloads", at);
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(library, item, downloader, job);
            await db.SaveChangesAsync(Ct);
        });

        await using var first = InstanceScope();
        await using var second = InstanceScope();
        var a = await first.ServiceProvider.GetRequiredService<IDownloadJobRepository>().FindAsync(job.Id, Ct);
        var b = await second.ServiceProvider.GetRequiredService<IDownloadJobRepository>().FindAsync(job.Id, Ct);
        Assert.That(a!.StartImport(at.AddSeconds(1)).IsSuccess && b!.StartImport(at.AddSeconds(2)).IsSuccess);
        var won = await first.ServiceProvider.GetRequiredService<IDownloadJobRepository>().SaveAsync(Ct);
        var lost = await second.ServiceProvider.GetRequiredService<IDownloadJobRepository>().SaveAsync(Ct);
        Assert.That(won.IsSuccess);
        Assert.That(lost.Error?.Code, Is.EqualTo("concurrency.changed"));
    }

    [Test]
    public async Task A_save_after_a_refused_save_never_reports_success_without_saving()
    {
        var at = DateTimeOffset.UtcNow;
        var library = Library.Create("L2", LibraryKind.Movies, StorageLocation.Local($"/srv/{Guid.NewGuid():N}"), at).Value;
        var item = MediaItem.Movie(5152, "M2", null, 2000, at);
        var downloader = Downloader.Create("D2", DownloaderKind.Transmission, new Uri("http://127.0.0.1:1/"), null, null, true, at);
        var contested = DownloadJob.Queue(item.Id, [], library.Id, downloader.Id, "magnet:?xt=urn:btih:1111111111111111111111111111111111111111", at);
        var other = DownloadJob.Queue(item.Id, [], library.Id, downloader.Id, "magnet:?xt=urn:btih:2222222222222222222222222222222222222222", at);
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(library, item, downloader, contested, other);
            await db.SaveChangesAsync(Ct);
        });

        await using var mine = InstanceScope();
        var jobs = mine.ServiceProvider.GetRequiredService<IDownloadJobRepository>();
        var a = (await jobs.FindAsync(contested.Id, Ct))!;
        var b = (await jobs.FindAsync(other.Id, Ct))!;
        await InNewScope(async s => // another instance changes the contested job first
        {
            var theirs = (await s.GetRequiredService<IDownloadJobRepository>().FindAsync(contested.Id, Ct))!;
            theirs.Progressed("1111111111111111111111111111111111111111", 0.5, "/theirs", at.AddSeconds(1));
            Assert.That((await s.GetRequiredService<IDownloadJobRepository>().SaveAsync(Ct)).IsSuccess);
        });

        a.Progressed("1111111111111111111111111111111111111111", 0.2, "/mine", at.AddSeconds(2));
        Assert.That((await jobs.SaveAsync(Ct)).Error?.Code, Is.EqualTo("concurrency.changed"));
        b.Progressed("2222222222222222222222222222222222222222", 0.7, "/other", at.AddSeconds(3));
        var next = await jobs.SaveAsync(Ct);

        var stored = await InNewScope(s => s.GetRequiredService<IDownloadJobRepository>().FindAsync(other.Id, Ct));
        if (next.IsSuccess) Assert.That(stored!.SavePath, Is.EqualTo("/other"), "a save that reports success has saved");
        else Assert.That(stored!.SavePath, Is.Null, "a refused save saved nothing");
    }

    private AsyncServiceScope InstanceScope() => Services.CreateAsyncScope();
}
