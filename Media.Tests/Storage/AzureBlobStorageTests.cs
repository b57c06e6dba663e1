using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Media.Application.Downloads;
using Media.Application.Imports;
using Media.Application.Storage;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Infrastructure.Storage;
using Media.Tests.Support;
using NSubstitute;

namespace Media.Tests.Storage;

/// <summary>What only an object store has: blocks checked by the service, no hardlinks, names that are not paths.</summary>
public sealed class AzureBlobStorageTests
{
    private Azurite _azurite = null!;
    private string _container = null!;
    private string _dir = null!;
    private ISecretProtector _secrets = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;
    private BlobContainerClient Container => _azurite.Client().GetBlobContainerClient(_container);
    private StorageLocation Location => StorageLocation.Create(StorageLocation.AzureBlobProvider, $"{_container}/lib", _secrets.Protect(_azurite.ConnectionString)).Value;

    [SetUp]
    public async Task Create()
    {
        _azurite = await Azurite.SharedAsync();
        _container = await _azurite.NewContainerAsync();
        _dir = Path.Combine(Path.GetTempPath(), $"media-blob-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        // The secret's encryption is not what these tests are about: a reversible stand-in.
        _secrets = Substitute.For<ISecretProtector>();
        _secrets.Protect(Arg.Any<string>()).Returns(c => "protected:" + c.Arg<string>());
        _secrets.Unprotect(Arg.Any<string>()).Returns(c => c.Arg<string>()["protected:".Length..]);
    }

    [TearDown]
    public async Task Remove()
    {
        await Container.DeleteIfExistsAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string Source(int size, byte fill = 9)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.mkv");
        File.WriteAllBytes(path, Enumerable.Repeat(fill, size).ToArray());
        return path;
    }

    private async Task<List<string>> AllBlobsAsync(BlobStates states = BlobStates.None)
    {
        var names = new List<string>();
        await foreach (var blob in Container.GetBlobsAsync(new GetBlobsOptions { States = states }, Ct)) names.Add(blob.Name);
        return names;
    }

    [Test]
    public async Task Upload_InBlocks_CommitsTheWholeFileWithItsMd5()
    {
        var transfer = new AzureBlobFileTransfer(new AzureBlobClients(_secrets)) { BlockSize = 64 << 10 };
        var source = Source(300_000);
        var outcome = await transfer.TransferAsync(new TransferRequest(source, Location, "Heat (1995)/Heat (1995).mkv", TransferMode.Copy), Ct);

        Assert.That(outcome.Succeeded, outcome.Message);
        var blob = Container.GetBlockBlobClient("lib/Heat (1995)/Heat (1995).mkv");
        var blocks = (await blob.GetBlockListAsync(BlockListTypes.Committed, cancellationToken: Ct)).Value.CommittedBlocks.ToList();
        Assert.That(blocks, Has.Count.EqualTo(5), "300,000 bytes in blocks of 64 KiB");
        Assert.That((await blob.DownloadContentAsync(Ct)).Value.Content.ToArray(), Is.EqualTo(File.ReadAllBytes(source)));
#pragma warning disable CA5351 // the blob service's Content-MD5
        Assert.That((await blob.GetPropertiesAsync(cancellationToken: Ct)).Value.ContentHash, Is.EqualTo(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(source))));
#pragma warning restore CA5351
    }

    [Test]
    public async Task Upload_BlockChangedInTransit_IsRefusedByTheService_AndNoBlobAppears()
    {
        var corrupt = new CorruptSecondBlock();
        var transfer = new AzureBlobFileTransfer(new AzureBlobClients(_secrets, [corrupt])) { BlockSize = 64 << 10 };

        var outcome = await transfer.TransferAsync(new TransferRequest(Source(300_000), Location, "Heat (1995)/Heat (1995).mkv", TransferMode.Copy), Ct);

        Assert.That(corrupt.Corrupted, Is.True, "the second block was changed on its way");
        Assert.That(outcome.ErrorCode, Is.EqualTo("verify_failed"), outcome.Message);
        Assert.That(outcome.Message, Does.Contain("Md5Mismatch"));
        Assert.That(await AllBlobsAsync(), Is.Empty, "no partial blob");
    }

    [Test]
    public async Task Upload_ConnectionLostPartWay_LeavesNoBlob()
    {
        var transfer = new AzureBlobFileTransfer(new AzureBlobClients(_secrets, [new FailFromThirdBlock()])) { BlockSize = 64 << 10 };

        var outcome = await transfer.TransferAsync(new TransferRequest(Source(300_000), Location, "M/M.mkv", TransferMode.Copy), Ct);

        Assert.That(outcome.ErrorCode, Is.EqualTo("storage_unavailable"), outcome.Message);
        Assert.That(await AllBlobsAsync(), Is.Empty);
    }

    [Test]
    public async Task Upload_HardlinkOnly_IsRefusedWithoutUploading()
    {
        var transfer = new AzureBlobFileTransfer(new AzureBlobClients(_secrets));
        var outcome = await transfer.TransferAsync(new TransferRequest(Source(10), Location, "M/M.mkv", TransferMode.HardlinkOnly), Ct);
        Assert.That((outcome.ErrorCode, outcome.Method), Is.EqualTo(("hardlink_failed", ImportMethod.Hardlink)));
        Assert.That(outcome.Message, Does.Contain("object storage"));
        Assert.That(await AllBlobsAsync(BlobStates.Uncommitted), Is.Empty, "not even a block was sent");
    }

    [Test]
    public async Task Walk_NamesThatAreNotPaths_AreProblems()
    {
        // ('.' and '..' segments never reach the service: the SDK's URIs fold them.)
        foreach (var name in new[] { "lib/Good (2000)/Good (2000).mkv", "lib/Bad//Twice.mkv", "lib//Leading.mkv" })
            await Container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(new byte[3]), Ct);
        var storage = new AzureBlobLibraryStorage(new AzureBlobClients(_secrets), Location);
        var problems = new List<WalkProblem>();
        var files = new List<StoredFile>();
        await foreach (var file in storage.WalkAsync(null, _ => false, problems.Add, Ct)) files.Add(file);

        Assert.That(files.Select(f => f.Path), Is.EqualTo(new[] { "Good (2000)/Good (2000).mkv" }));
        Assert.That(problems.Select(p => (p.Path, p.Kind)), Is.EquivalentTo(new[]
        {
            ("Bad//Twice.mkv", WalkProblemKind.BadName), ("/Leading.mkv", WalkProblemKind.BadName),
        }));
    }

    [Test]
    public async Task Stat_WhenTheContainerIsGone_IsUnavailable_NotMissing()
    {
        var storage = new AzureBlobLibraryStorage(new AzureBlobClients(_secrets), Location);
        await Container.DeleteAsync(cancellationToken: Ct);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.StatAsync("M/M.mkv", Ct));
    }

    /// <summary>Flips a byte of the second Put Block's body after its Content-MD5 was computed: a block damaged in transit.</summary>
    private sealed class CorruptSecondBlock : HttpPipelineSynchronousPolicy
    {
        private int _blocks;
        public bool Corrupted { get; private set; }

        public override void OnSendingRequest(HttpMessage message)
        {
            if (!message.Request.Uri.Query.Contains("comp=block&", StringComparison.Ordinal) || Interlocked.Increment(ref _blocks) != 2) return;
            using var body = new MemoryStream();
            message.Request.Content!.WriteTo(body, CancellationToken.None);
            var bytes = body.ToArray();
            bytes[bytes.Length / 2] ^= 0xFF;
            message.Request.Content = RequestContent.Create(bytes);
            Corrupted = true;
        }
    }

    /// <summary>The network goes away from the third Put Block on.</summary>
    private sealed class FailFromThirdBlock : HttpPipelinePolicy
    {
        private int _blocks;

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Uri.Query.Contains("comp=block&", StringComparison.Ordinal) && Interlocked.Increment(ref _blocks) >= 3)
                throw new Azure.RequestFailedException(0, "The connection was reset (simulated).");
            return ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The adapter is asynchronous.");
    }
}
