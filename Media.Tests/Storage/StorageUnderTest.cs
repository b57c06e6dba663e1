using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Media.Application.Downloads;
using Media.Domain.Libraries;
using Media.Tests.Support;

namespace Media.Tests.Storage;

public enum StorageKind { Local, AzureBlob }

/// <summary>
/// One library root of a storage provider, with the means to arrange it behind the adapter's back: the same
/// contract tests run against each (a temp folder on disk; a container in Azurite, under a prefix).
/// </summary>
public abstract class StorageUnderTest : IAsyncDisposable
{
    public abstract StorageLocation Location { get; }

    /// <summary>Whether an import into this root can be a hardlink.</summary>
    public abstract bool Hardlinks { get; }

    /// <summary>The library's storage as the API takes it.</summary>
    public abstract object ApiStorage { get; }

    public abstract Task PutAsync(string path, byte[] content);
    public abstract Task DeleteAsync(string path);
    public abstract Task<byte[]?> ReadAsync(string path);

    /// <summary>Every name under the root, hidden and staging ones included.</summary>
    public abstract Task<List<string>> NamesAsync();

    /// <summary>Roots that cannot be read, and why: as storage locations and as the API takes them.</summary>
    public abstract IReadOnlyList<(string Why, StorageLocation Location, object ApiStorage)> Unavailable();

    public abstract ValueTask DisposeAsync();

    public static async Task<StorageUnderTest> CreateAsync(StorageKind kind, ISecretProtector secrets) => kind switch
    {
        StorageKind.Local => new LocalUnderTest(),
        _ => await BlobUnderTest.CreateAsync(secrets),
    };

    protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed class LocalUnderTest : StorageUnderTest
{
    private readonly string _top = Path.Combine(Path.GetTempPath(), $"media-contract-{Guid.NewGuid():N}");

    public LocalUnderTest() => Directory.CreateDirectory(Root);

    private string Root => Path.Combine(_top, "library");
    public override StorageLocation Location => StorageLocation.Local(Root);
    public override bool Hardlinks => true;
    public override object ApiStorage => new { provider = "local", root = Root };

    public override async Task PutAsync(string path, byte[] content)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllBytesAsync(full, content);
    }

    public override Task DeleteAsync(string path)
    {
        File.Delete(Path.Combine(Root, path));
        return Task.CompletedTask;
    }

    public override async Task<byte[]?> ReadAsync(string path) =>
        File.Exists(Path.Combine(Root, path)) ? await File.ReadAllBytesAsync(Path.Combine(Root, path)) : null;

    public override Task<List<string>> NamesAsync() => Task.FromResult(
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f)).Order(StringComparer.Ordinal).ToList());

    public override IReadOnlyList<(string Why, StorageLocation Location, object ApiStorage)> Unavailable()
    {
        var missing = Path.Combine(_top, "unmounted");
        return [("a root that does not exist", StorageLocation.Local(missing), new { provider = "local", root = missing })];
    }

    public override ValueTask DisposeAsync()
    {
        try { Directory.Delete(_top, recursive: true); }
        catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}

/// <summary>A container in Azurite; the library is its "library" prefix, beside blobs that are not the library's.</summary>
internal sealed class BlobUnderTest : StorageUnderTest
{
    private const string Prefix = "library";
    private readonly Azurite _azurite;
    private readonly ISecretProtector _secrets;
    private readonly string _container;

    private BlobUnderTest(Azurite azurite, ISecretProtector secrets, string container) =>
        (_azurite, _secrets, _container) = (azurite, secrets, container);

    public static async Task<BlobUnderTest> CreateAsync(ISecretProtector secrets)
    {
        var azurite = await Azurite.SharedAsync();
        var container = await azurite.NewContainerAsync();
        var blobs = azurite.Client().GetBlobContainerClient(container);
        // Neighbours the prefix must keep out: a sibling whose name starts like it, and another folder.
        await blobs.UploadBlobAsync("library-old/Heat (1995)/Heat (1995).mkv", BinaryData.FromBytes(new byte[7]));
        await blobs.UploadBlobAsync("other/Alien (1979).mkv", BinaryData.FromBytes(new byte[7]));
        return new BlobUnderTest(azurite, secrets, container);
    }

    public override StorageLocation Location => At($"{_container}/{Prefix}", _azurite.ConnectionString);
    public override bool Hardlinks => false;
    public override object ApiStorage => new { provider = "azure-blob", root = $"{_container}/{Prefix}", connectionString = _azurite.ConnectionString };

    private BlobContainerClient Container => _azurite.Client().GetBlobContainerClient(_container);

    public override async Task PutAsync(string path, byte[] content) =>
        await Container.GetBlobClient($"{Prefix}/{path}").UploadAsync(BinaryData.FromBytes(content), overwrite: true);

    public override async Task DeleteAsync(string path) => await Container.GetBlobClient($"{Prefix}/{path}").DeleteAsync();

    public override async Task<byte[]?> ReadAsync(string path)
    {
        var blob = Container.GetBlobClient($"{Prefix}/{path}");
        return await blob.ExistsAsync() ? (await blob.DownloadContentAsync()).Value.Content.ToArray() : null;
    }

    public override async Task<List<string>> NamesAsync()
    {
        var names = new List<string>();
        await foreach (var blob in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix + "/" })) names.Add(blob.Name[(Prefix.Length + 1)..]);
        return names;
    }

    public override IReadOnlyList<(string Why, StorageLocation Location, object ApiStorage)> Unavailable()
    {
        var missing = $"missing-{Guid.NewGuid():N}"[..20];
        var wrongKey = _azurite.ConnectionStringWith(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64)));
        var nobody = _azurite.ConnectionStringWith(Azurite.AccountKey, $"http://127.0.0.1:{FreePort()}/{Azurite.Account}");
        return
        [
            ("a container that does not exist", At(missing, _azurite.ConnectionString), Api(missing, _azurite.ConnectionString)),
            ("credentials the account refuses", At($"{_container}/{Prefix}", wrongKey), Api($"{_container}/{Prefix}", wrongKey)),
            ("an endpoint that does not answer", At($"{_container}/{Prefix}", nobody), Api($"{_container}/{Prefix}", nobody)),
        ];
    }

    private static object Api(string root, string connectionString) => new { provider = "azure-blob", root, connectionString };

    private StorageLocation At(string root, string connectionString) =>
        StorageLocation.Create(StorageLocation.AzureBlobProvider, root, _secrets.Protect(connectionString)).Value;

    public override async ValueTask DisposeAsync() => await Container.DeleteIfExistsAsync();
}
