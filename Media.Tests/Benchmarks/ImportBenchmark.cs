using System.Diagnostics;
using System.Text.Json.Nodes;
using Media.Application.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Benchmarks;

/// <summary>The import pipeline for 1,000 completed files, through the use case and real PostgreSQL: hardlinks per second, and copy MB/s.</summary>
[Explicit("a benchmark: build.ps1 bench"), Category("Benchmark")]
public sealed class ImportBenchmark
{
    [Test]
    public async Task Imports_a_thousand_files()
    {
        var ct = TestContext.CurrentContext.CancellationToken;
        const int files = 1000;
        var fileSize = int.TryParse(Environment.GetEnvironmentVariable("MEDIA_BENCH_COPY_KB"), out var kb) ? kb * 1024 : 1024 * 1024;
        var root = Path.Combine(Path.GetTempPath(), $"media-import-bench-{Guid.NewGuid():N}");
        var server = await PostgresServer.SharedAsync();
        var connectionString = await server.CreateDatabaseAsync(ct: ct);
        await using var services = TestDatabases.Services(Provider.Postgres, connectionString);
        await using (var scope = services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
        try
        {
            var linked = await RunAsync(services, root, "linked", files, fileSize, TransferMode.PreferHardlink, ct);
            var copied = await RunAsync(services, root, "copied", files, fileSize, TransferMode.Copy, ct);
            var megabytes = (double)files * fileSize / (1024 * 1024);
            BenchmarkResults.Record("import", new JsonObject
            {
                ["files"] = files,
                ["fileSizeKb"] = fileSize / 1024,
                ["hardlinkSeconds"] = Math.Round(linked, 2),
                ["hardlinksPerSecond"] = Math.Round(files / linked),
                ["copySeconds"] = Math.Round(copied, 2),
                ["copyMegabytesPerSecond"] = Math.Round(megabytes / copied, 1),
            });
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<double> RunAsync(ServiceProvider services, string root, string name, int files, int fileSize, TransferMode mode, CancellationToken ct)
    {
        var downloads = Path.Combine(root, name, "downloads");
        Directory.CreateDirectory(downloads);
        var library = Library.Create(name, LibraryKind.Movies, StorageLocation.Local(Path.Combine(root, name, "library")), DateTimeOffset.UtcNow).Value;
        Directory.CreateDirectory(library.Storage.Root);
        var items = Enumerable.Range(0, files).Select(i => MediaItem.Movie(900_000 + i + (mode == TransferMode.Copy ? 10_000 : 0), SyntheticLibrary.Title(i), null, SyntheticLibrary.MovieYear(i), DateTimeOffset.UtcNow)).ToList();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
            db.Add(library);
            db.AddRange(items);
            await db.SaveChangesAsync(ct);
        }
        var payload = new byte[fileSize];
        Random.Shared.NextBytes(payload);
        var sources = new List<string>();
        for (var i = 0; i < files; i++)
        {
            var source = Path.Combine(downloads, $"{SyntheticLibrary.Title(i).Replace(' ', '.')}.{SyntheticLibrary.MovieYear(i)}.1080p.mkv");
            await File.WriteAllBytesAsync(source, payload, ct);
            sources.Add(source);
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < files; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<ImportFileHandler>().Handle(new ImportFile(library.Id, sources[i], items[i].Id, [], Mode: mode), ct);
            Assert.That(result.IsSuccess, result.Error?.Message);
        }
        return clock.Elapsed.TotalSeconds;
    }
}
