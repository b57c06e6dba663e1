using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs.Models;
using Media.Infrastructure.Storage;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Benchmarks;

/// <summary>
/// A movie library in an Azurite container (MEDIA_BENCH_BLOBS blobs, default 10,000): the re-scan of the unchanged
/// library through the API against a bare flat listing of the same container through the SDK, in the same run, and
/// the requests the re-scan sent to the blob service (listing pages only: none per blob).
/// </summary>
[Explicit("a benchmark: build.ps1 bench"), Category("Benchmark")]
public sealed class BlobScanBenchmark
{
    private const int Runs = 3;
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [Test]
    public async Task Rescans_a_blob_library()
    {
        var blobs = int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_BLOBS"), out var n) ? n : 10_000;
        var azurite = await Azurite.SharedAsync();
        var container = azurite.Client().GetBlobContainerClient(await azurite.NewContainerAsync());
        await using var tmdb = await FakeTmdb.StartAsync();
        for (var i = 0; i < blobs; i++)
            tmdb.Add(new FakeMovie(SyntheticLibrary.MovieTmdbId(i), SyntheticLibrary.Title(i), $"{SyntheticLibrary.MovieYear(i)}-06-01"));

        var upload = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, blobs), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct },
            async (i, ct) => await container.GetBlobClient("movies/" + SyntheticLibrary.MoviePath(i)).UploadAsync(BinaryData.FromBytes(new byte[16]), ct));
        upload.Stop();

        var requests = new CountingPolicy();
        var settings = MediaApiFactory.TmdbSettings(tmdb);
        // Sparse synthetic files are not media: probing them would only measure ffprobe failing (ProbeBenchmark measures probes).
        settings["Probes:Enabled"] = "false";
        settings["Tmdb:RequestsPerSecond"] = "100000";
        settings["Logging:LogLevel:Default"] = "Warning";
        await using var api = await MediaApiFactory.CreateAsync(Provider.Postgres, s => s.AddSingleton<HttpPipelinePolicy>(requests), settings);
        using var admin = api.Admin();
        using var created = await admin.PostAsync("/v1/libraries", System.Net.Http.Json.JsonContent.Create(new
        {
            name = "Cloud movies", kind = "movies",
            storage = new { provider = "azure-blob", root = $"{container.Name}/movies", connectionString = azurite.ConnectionString },
        }), Ct);
        var library = (await created.JsonAsync()).GetProperty("id").GetGuid();

        // The bare listing: the same flat listing, page size and service version, without the scan.
        var listing = BenchmarkResults.Median(await BenchmarkResults.TimeAsync(async () =>
        {
            var count = 0;
            await foreach (var page in container.GetBlobsAsync(new GetBlobsOptions { Prefix = "movies/" }, Ct).AsPages(pageSizeHint: AzureBlobLibraryStorage.PageSize))
                count += page.Values.Count;
            Assert.That(count, Is.EqualTo(blobs));
        }, Runs, warmup: 1));

        var first = Stopwatch.StartNew();
        var firstScan = await admin.ScanAsync(library, null, Ct, TimeSpan.FromMinutes(30));
        first.Stop();
        Assert.That(firstScan.GetProperty("filesIdentified").GetInt32(), Is.EqualTo(blobs), firstScan.ToString());

        var own = new List<double>();
        var wall = new List<double>();
        var sent = new List<int>();
        for (var run = 0; run < Runs; run++)
        {
            requests.Reset();
            var clock = Stopwatch.StartNew();
            var scan = await admin.ScanAsync(library, null, Ct, TimeSpan.FromMinutes(30));
            wall.Add(clock.Elapsed.TotalMilliseconds);
            sent.Add(requests.Count);
            Assert.That((scan.GetProperty("status").GetString(), scan.GetProperty("filesSeen").GetInt32(), scan.GetProperty("filesMissing").GetInt32()),
                Is.EqualTo(("completed", blobs, 0)), scan.ToString());
            own.Add((scan.GetProperty("finishedAt").GetDateTimeOffset() - scan.GetProperty("startedAt").GetDateTimeOffset()).TotalMilliseconds);
        }

        var pages = (blobs + AzureBlobLibraryStorage.PageSize - 1) / AzureBlobLibraryStorage.PageSize;
        var rescan = BenchmarkResults.Median(own);
        var figures = new JsonObject
        {
            ["blobs"] = blobs,
            ["uploadSeconds"] = Math.Round(upload.Elapsed.TotalSeconds, 1),
            ["bareListingSeconds"] = Math.Round(listing / 1000, 3),
            ["firstScanSeconds"] = Math.Round(first.Elapsed.TotalSeconds, 2),
            ["rescanSeconds"] = Math.Round(rescan / 1000, 3),
            ["rescanWallSeconds"] = Math.Round(BenchmarkResults.Median(wall) / 1000, 3),
            ["rescanToListingRatio"] = Math.Round(rescan / listing, 2),
            ["rescanRequests"] = sent.Max(),
            ["listingPages"] = pages,
        };
        BenchmarkResults.Record("blobScan", figures);

        Assert.Multiple(() =>
        {
            Assert.That(rescan / listing, Is.LessThanOrEqualTo(1.5), "re-scan at most 1.5x the bare listing");
            Assert.That(sent.Max(), Is.LessThanOrEqualTo(pages + 1), "the listing's pages and one probe of the root: no request per blob");
        });
        await container.DeleteAsync(cancellationToken: Ct);
    }

    /// <summary>Counts the requests the API host's blob clients send (each try counts).</summary>
    private sealed class CountingPolicy : HttpPipelineSynchronousPolicy
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);
        public void Reset() => Interlocked.Exchange(ref _count, 0);
        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
