using Azure.Storage.Blobs;
using Media.Application.Downloads;
using Media.Application.Imports;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Imports;

/// <summary>
/// The import use case into an azure-blob library (Azurite): the same handler as for disks, an upload instead of a
/// link, and an import record that says it is a copy and why.
/// </summary>
[TestFixture(Provider.Sqlite)]
public sealed class ImportIntoBlobLibraryTests(Provider provider) : DatabaseTest(provider)
{
    private string _dir = null!;
    private BlobContainerClient _container = null!;
    private Library _movies = null!;
    private MediaItem _matrix = null!;
    private MediaItem _heat = null!;

    [OneTimeSetUp]
    public async Task Arrange()
    {
        var azurite = await Azurite.SharedAsync();
        _container = azurite.Client().GetBlobContainerClient(await azurite.NewContainerAsync());
        _dir = Path.Combine(Path.GetTempPath(), $"media-blob-import-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        var at = DateTimeOffset.UtcNow;
        var secret = Services.GetRequiredService<ISecretProtector>().Protect(azurite.ConnectionString);
        _movies = Library.Create("Cloud", LibraryKind.Movies, StorageLocation.Create("azure-blob", $"{_container.Name}/movies", secret).Value, at).Value;
        _matrix = MediaItem.Movie(603, "The Matrix", null, 1999, at);
        _heat = MediaItem.Movie(949, "Heat", null, 1995, at);
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(_movies, _matrix, _heat);
            await db.SaveChangesAsync(Ct);
        });
    }

    [OneTimeTearDown]
    public async Task Clean()
    {
        await _container.DeleteIfExistsAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string Download(string name, byte fill, int size)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Enumerable.Repeat(fill, size).ToArray());
        return path;
    }

    private async Task<byte[]?> BlobAsync(string name)
    {
        var blob = _container.GetBlobClient(name);
        return await blob.ExistsAsync(Ct) ? (await blob.DownloadContentAsync(Ct)).Value.Content.ToArray() : null;
    }

    [Test]
    public async Task A_movie_is_uploaded_to_its_templated_name_and_the_record_says_copy_and_why()
    {
        var source = Download("The.Matrix.1999.1080p/the.matrix.1999.1080p.mkv", 3, 8192);

        var result = await Get<ImportFileHandler>().Handle(new ImportFile(_movies.Id, source, _matrix.Id, []), Ct);

        Assert.That(result.IsSuccess, result.Error?.Message);
        Assert.That((result.Value.Method, result.Value.Succeeded, result.Value.DestinationPath),
            Is.EqualTo((ImportMethod.Copy, true, "The Matrix (1999)/The Matrix (1999).mkv")));
        Assert.That(result.Value.Error, Does.Contain("hardlink is not possible").And.Contain("object storage"));
        Assert.That(await BlobAsync("movies/The Matrix (1999)/The Matrix (1999).mkv"), Is.EqualTo(File.ReadAllBytes(source)));
        Assert.That(File.Exists(source), "the download stays where it is");
        var file = await InNewScope(s => s.GetRequiredService<MediaDbContext>().Set<MediaFile>().AsNoTracking()
            .SingleAsync(f => f.Path == "The Matrix (1999)/The Matrix (1999).mkv", Ct));
        Assert.That((file.State.Exists, file.State.Size), Is.EqualTo((true, 8192L)));
    }

    [Test]
    public async Task An_upgrade_keeps_the_old_blob_under_the_recycle_prefix()
    {
        var first = Download("Heat.1995.720p/heat.1995.720p.mkv", 1, 1000);
        Assert.That((await Get<ImportFileHandler>().Handle(new ImportFile(_movies.Id, first, _heat.Id, []), Ct)).IsSuccess);
        var better = Download("Heat.1995.2160p/heat.1995.2160p.mkv", 2, 5000);

        var result = await Get<ImportFileHandler>().Handle(new ImportFile(_movies.Id, better, _heat.Id, []), Ct);

        Assert.That(result.IsSuccess, result.Error?.Message);
        Assert.That(result.Value.Error, Does.Contain("Replaced the previous file"));
        Assert.That(await BlobAsync("movies/Heat (1995)/Heat (1995).mkv"), Is.EqualTo(File.ReadAllBytes(better)));
        Assert.That(await BlobAsync("movies/.recycle/Heat (1995)/Heat (1995).mkv"), Is.EqualTo(File.ReadAllBytes(first)), "the old blob is kept");
    }
}
