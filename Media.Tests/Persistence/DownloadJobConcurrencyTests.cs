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

    private AsyncServiceScope InstanceScope() => Services.CreateAsyncScope();
}
