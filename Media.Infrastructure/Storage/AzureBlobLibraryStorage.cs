using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.Libraries;

namespace Media.Infrastructure.Storage;

/// <summary>
/// A library in an Azure Blob Storage container, under an optional prefix. Folders are virtual (the '/' in blob
/// names); the walk is one flat listing read page by page, with each blob's size and last change from the listing, so
/// a re-scan sends one request per page and none per blob. Skipped folders are decided once each, as on disk.
/// </summary>
internal sealed class AzureBlobLibraryStorage(AzureBlobClients clients, StorageLocation location) : ILibraryStorage
{
    /// <summary>Azure's largest page.</summary>
    public const int PageSize = 5000;

    private readonly string _container = location.ContainerAndPrefix.Container;
    private readonly string _prefix = location.ContainerAndPrefix.Prefix.Length == 0 ? "" : location.ContainerAndPrefix.Prefix + "/";

    public async Task<string?> UnavailableReasonAsync(CancellationToken ct)
    {
        try
        {
            // One blob of the first page: needs only the list permission the walk needs anyway, and tells a missing
            // container, refused credentials and a silent endpoint apart.
            await foreach (var _ in Container().GetBlobsAsync(new GetBlobsOptions { Prefix = _prefix }, ct).AsPages(pageSizeHint: 1).WithCancellation(ct))
                break;
            return null;
        }
        catch (Exception e) when (AzureBlobClients.Unavailable(e, _container) is { } reason)
        {
            return $"The library root '{location.Root}' cannot be read: {reason}";
        }
    }

    public async IAsyncEnumerable<StoredFile> WalkAsync(
        string? folder, Func<string, bool> skipFolder, Action<WalkProblem> onProblem, [EnumeratorCancellation] CancellationToken ct)
    {
        var start = folder is null ? "" : RelativePath.Normalize(folder).Value;
        var startDepth = start.Length == 0 ? 0 : start.Split('/').Length;
        var listed = _prefix + (start.Length == 0 ? "" : start + "/");
        // The folders of the last blob below the start, outermost first; the last may be a skipped one. A flat listing
        // is in name order, so a folder's blobs come together and each folder is decided once.
        var open = new List<(string Path, bool Skipped)>();

        await using var pages = Container().GetBlobsAsync(new GetBlobsOptions { Prefix = listed }, ct).AsPages(pageSizeHint: PageSize).GetAsyncEnumerator(ct);
        while (true)
        {
            Page<BlobItem> page;
            try
            {
                if (!await pages.MoveNextAsync()) yield break;
                page = pages.Current;
            }
            catch (Exception e) when (AzureBlobClients.Unavailable(e, _container) is { } reason)
            {
                throw new StorageUnavailableException($"The library root '{location.Root}' cannot be read: {reason}", e);
            }

            foreach (var blob in page.Values)
            {
                var path = blob.Name[_prefix.Length..];
                if (path.EndsWith('/') && blob.Properties.ContentLength is 0 or null) continue; // a folder marker some tools write
                if (RelativePath.Normalize(path) is not { IsSuccess: true } normalized || normalized.Value != path)
                {
                    onProblem(new WalkProblem(path, WalkProblemKind.BadName,
                        "The blob name is not a library-relative path (an empty, '.' or '..' segment, or a leading or trailing '/'); rename it to include it."));
                    continue;
                }
                if (Skipped(path, startDepth, open, skipFolder)) continue;
                yield return new StoredFile(path, blob.Properties.ContentLength ?? 0, blob.Properties.LastModified ?? DateTimeOffset.UnixEpoch);
            }
        }
    }

    public async Task<StoredFile?> StatAsync(string path, CancellationToken ct)
    {
        var relative = RelativePath.Normalize(path);
        if (relative.IsFailure) return null;
        try
        {
            var properties = await Container().GetBlobClient(_prefix + relative.Value).GetPropertiesAsync(cancellationToken: ct);
            return new StoredFile(relative.Value, properties.Value.ContentLength, properties.Value.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != "ContainerNotFound")
        {
            return null;
        }
        catch (Exception e) when (AzureBlobClients.Unavailable(e, _container) is { } reason)
        {
            throw new StorageUnavailableException($"The library root '{location.Root}' cannot be read: {reason}", e);
        }
    }

    private BlobContainerClient Container() => clients.Container(location);

    /// <summary>
    /// Whether a folder on the way to <paramref name="path"/> is skipped. <paramref name="open"/> holds the folders of
    /// the previous blob: the ones shared are not asked again, the new ones are asked once each, outermost first.
    /// </summary>
    private static bool Skipped(string path, int startDepth, List<(string Path, bool Skipped)> open, Func<string, bool> skipFolder)
    {
        var shared = 0;
        var end = IndexOfSlash(path, startDepth);
        while (end >= 0)
        {
            var folder = path[..end];
            if (shared < open.Count && open[shared].Path == folder)
            {
                if (open[shared].Skipped) return true;
                shared++;
            }
            else
            {
                if (shared < open.Count) open.RemoveRange(shared, open.Count - shared);
                var skipped = skipFolder(folder);
                open.Add((folder, skipped));
                shared++;
                if (skipped) return true;
            }
            end = path.IndexOf('/', end + 1);
        }
        if (shared < open.Count) open.RemoveRange(shared, open.Count - shared);
        return false;
    }

    // The end of the first folder below the start: the slash after the start's own segments.
    private static int IndexOfSlash(string path, int startDepth)
    {
        var end = -1;
        for (var i = 0; i <= startDepth; i++)
        {
            end = path.IndexOf('/', end + 1);
            if (end < 0) return -1;
        }
        return end;
    }
}
