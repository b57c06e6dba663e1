using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Media.Application.Imports;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Libraries;

namespace Media.Infrastructure.Storage;

/// <summary>
/// An import into an azure-blob library: the download (on local disk) is uploaded in blocks, each sent with its MD5
/// so that the service refuses a block that arrived changed, and the block list is committed only if no blob has the
/// name (If-None-Match: *): nothing is ever overwritten. Blocks of an upload that fails are never committed, so no
/// partial blob appears (the service drops uncommitted blocks). An upgrade first copies the old blob under the
/// recycle prefix, then commits only over that same old blob (If-Match its ETag).
/// </summary>
internal sealed class AzureBlobFileTransfer(AzureBlobClients clients) : IFileTransfer
{
    private const int MaxBlocks = 50_000;

    /// <summary>Bytes per block (8 MiB; more when a file would need over 50,000 blocks).</summary>
    internal int BlockSize { get; init; } = 8 << 20;

    public async Task<TransferOutcome> TransferAsync(TransferRequest request, CancellationToken ct)
    {
        const ImportMethod method = ImportMethod.Copy;
        if (request.Mode == TransferMode.HardlinkOnly)
            return TransferOutcome.Failed(ImportMethod.Hardlink, "hardlink_failed",
                "A hardlink was required but the library is in object storage (azure-blob), which has no hardlinks; nothing was uploaded.");
        var note = request.Mode == TransferMode.PreferHardlink
            ? "Uploaded (a copy) because a hardlink is not possible: the library is in object storage (azure-blob)."
            : null;
        var relative = RelativePath.Normalize(request.Destination, "destination");
        if (relative.IsFailure) return TransferOutcome.Failed(method, "invalid_destination", relative.Error!.Message);
        if (!File.Exists(request.Source)) return TransferOutcome.Failed(method, "source_missing", $"The source '{request.Source}' does not exist.");

        var (container, prefix) = request.Library.ContainerAndPrefix;
        var root = prefix.Length == 0 ? "" : prefix + "/";
        try
        {
            var containerClient = clients.Container(request.Library);
            var blob = containerClient.GetBlockBlobClient(root + relative.Value);
            var length = new FileInfo(request.Source).Length;
            var existing = await PropertiesAsync(blob, ct);
            if (existing is not null && !request.ReplaceExisting)
            {
                var same = existing.ContentLength == length && existing.ContentHash is { Length: > 0 } hash
                    && Convert.ToHexString(hash) == Convert.ToHexString(await Md5Async(request.Source, ct));
                if (same)
                    return new TransferOutcome(true, method, length, Note: "The destination already holds this file.", AlreadyThere: true);
                return TransferOutcome.Failed(method, "destination_exists", $"'{relative.Value}' already exists and is a different file; nothing was overwritten.");
            }

            var staged = await StageAsync(blob, request.Source, length, ct);
            if (staged.Failure is not null) return staged.Failure;

            string? recycled = null;
            var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            if (request.ReplaceExisting && existing is not null)
            {
                recycled = await RecycleAsync(containerClient, blob, existing.ETag, root, request.RecycleFolder, relative.Value, ct);
                if (recycled is null)
                    return TransferOutcome.Failed(method, "destination_exists", $"'{relative.Value}' changed while importing; nothing was replaced.");
                conditions = new BlobRequestConditions { IfMatch = existing.ETag };
            }
            try
            {
                await blob.CommitBlockListAsync(staged.Blocks, new CommitBlockListOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentHash = staged.Md5 }, Conditions = conditions,
                }, ct);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Someone else's blob took the name (or changed the old one) first: theirs stays, and so does the old.
                if (recycled is not null) await containerClient.GetBlobClient(root + recycled).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
                return TransferOutcome.Failed(method, "destination_exists", $"'{relative.Value}' appeared or changed while importing; nothing was overwritten.");
            }
            return new TransferOutcome(true, method, staged.Size, Note: note, Recycled: recycled);
        }
        catch (RequestFailedException e) when (e.ErrorCode is "Md5Mismatch" or "InvalidMd5" or "Crc64Mismatch")
        {
            return TransferOutcome.Failed(method, "verify_failed", $"The blob service found a block changed in transit ({e.ErrorCode}); nothing was committed.");
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            return TransferOutcome.Failed(method, "permission_denied", $"The storage account refused the upload ({e.ErrorCode ?? "HTTP 403"}).");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return TransferOutcome.Failed(method, "source_missing", $"The source vanished during the import: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return TransferOutcome.Failed(method, "permission_denied", e.Message);
        }
        catch (Exception e) when (AzureBlobClients.Unavailable(e, container) is { } reason)
        {
            return TransferOutcome.Failed(method, "storage_unavailable", $"The library's storage cannot be written: {reason} Nothing was committed.");
        }
    }

    /// <summary>The source in blocks, each checked by the service against its MD5; and the MD5 of the whole, for the blob's properties.</summary>
    private async Task<(List<string> Blocks, byte[] Md5, long Size, TransferOutcome? Failure)> StageAsync(
        BlockBlobClient blob, string source, long length, CancellationToken ct)
    {
        var blockSize = (int)Math.Min(4000L << 20, Math.Max(BlockSize, (length + MaxBlocks - 1) / MaxBlocks));
        var upload = Guid.NewGuid().ToString("N");
        var blocks = new List<string>();
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = new byte[blockSize];
        long size = 0;
        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        while (true)
        {
            var read = await input.ReadAtLeastAsync(buffer, blockSize, throwOnEndOfStream: false, ct);
            if (read == 0) break;
            size += read;
            if (size > length) break; // the source grew while it was read
            whole.AppendData(buffer, 0, read);
            // Block ids are of one length per blob, and unique per upload so that two uploads never mix blocks.
            var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{upload}{blocks.Count:D6}"));
            using var block = new MemoryStream(buffer, 0, read, writable: false);
            await blob.StageBlockAsync(id, block, new BlockBlobStageBlockOptions
            {
                TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
            }, ct);
            blocks.Add(id);
            if (read < blockSize) break;
        }
        if (size != length)
            return (blocks, [], size, TransferOutcome.Failed(ImportMethod.Copy, "verify_failed",
                $"The source changed while it was uploaded ({length} bytes when the import began, {size} read); nothing was committed."));
        return (blocks, whole.GetHashAndReset(), size, null);
    }

    /// <summary>A server-side copy of the old blob under the recycle prefix (never over another); null when the old blob changed meanwhile.</summary>
    private static async Task<string?> RecycleAsync(
        Azure.Storage.Blobs.BlobContainerClient container, BlockBlobClient old, ETag etag, string root, string recycleFolder, string relative, CancellationToken ct)
    {
        var folder = RelativePath.Normalize(recycleFolder) is { IsSuccess: true } ok ? ok.Value : ".recycle";
        var extension = Path.GetExtension(relative);
        foreach (var candidate in new[] { $"{folder}/{relative}", $"{folder}/{relative[..^extension.Length]}.{DateTimeOffset.UtcNow:yyyyMMddHHmmssfff}{extension}" })
        {
            try
            {
                var copy = await container.GetBlobClient(root + candidate).StartCopyFromUriAsync(old.Uri, new BlobCopyFromUriOptions
                {
                    SourceConditions = new BlobRequestConditions { IfMatch = etag },
                    DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                }, ct);
                await copy.WaitForCompletionAsync(ct);
                return candidate;
            }
            catch (RequestFailedException e) when (e.ErrorCode is "SourceConditionNotMet")
            {
                return null;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Taken by an earlier upgrade: the second name has the time in it.
            }
        }
        return null;
    }

    private static async Task<BlobProperties?> PropertiesAsync(BlockBlobClient blob, CancellationToken ct)
    {
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: ct)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != "ContainerNotFound")
        {
            return null;
        }
    }

    // MD5 is what the blob service checks (Content-MD5) and stores for a blob: an integrity check, not a security one.
#pragma warning disable CA5351
    private static async Task<byte[]> Md5Async(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await MD5.HashDataAsync(stream, ct);
    }
#pragma warning restore CA5351
}
