using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Media.Application.Imports;
using Media.Domain.Common;
using Media.Domain.Imports;

namespace Media.Infrastructure.Storage;

/// <summary>
/// Hardlink (libc link(2): .NET has none) where source and destination share a file system, else a copy written
/// under a temporary name beside the destination, checked by size and SHA-256, then renamed into place. Never
/// overwrites: an existing destination is either the same file (then it counts as imported) or a failure.
/// </summary>
internal sealed partial class LocalFileTransfer : IFileTransfer
{
    private const int Exdev = 18;   // another file system
    private const int Eexist = 17;  // the name is taken
    private const int Eperm = 1;
    private const int Eacces = 13;
    private const int Eio = 5;
    private const int Enospc = 28;  // no space left on the device
    private const int Erofs = 30;
    private const int Edquot = 122; // the user's quota is used up

    public async Task<TransferOutcome> TransferAsync(TransferRequest request, CancellationToken ct)
    {
        var wanted = request.Mode == TransferMode.Copy ? ImportMethod.Copy : ImportMethod.Hardlink;
        var relative = RelativePath.Normalize(request.Destination, "destination");
        if (relative.IsFailure) return TransferOutcome.Failed(wanted, "invalid_destination", relative.Error!.Message);
        var root = Path.GetFullPath(request.Library.Root);
        var destination = Path.GetFullPath(Path.Combine(root, relative.Value));
        if (!File.Exists(request.Source)) return TransferOutcome.Failed(wanted, "source_missing", $"The source '{request.Source}' does not exist.");

        var folder = Path.GetDirectoryName(destination)!;
        var madeFolder = FirstMissing(folder, root);
        string? staged = null;
        var succeeded = false;
        try
        {
            Directory.CreateDirectory(folder);
            if (!Inside(RealPath(folder), RealPath(root)))
                return TransferOutcome.Failed(wanted, "invalid_destination", "The destination folder leads outside the library root.");

            if (File.Exists(destination) && !request.ReplaceExisting)
            {
                if (await SameContentAsync(request.Source, destination, ct))
                {
                    succeeded = true;
                    return new TransferOutcome(true, wanted, new FileInfo(destination).Length, Note: "The destination already holds this file.", AlreadyThere: true);
                }
                return TransferOutcome.Failed(wanted, "destination_exists", $"'{relative.Value}' already exists and is a different file; nothing was overwritten.");
            }

            staged = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.partial");
            var (method, note, failure) = await StageAsync(request, staged, ct);
            if (failure is not null) return failure;
            var size = new FileInfo(staged).Length;
            if (size != new FileInfo(request.Source).Length)
                return TransferOutcome.Failed(method, "verify_failed", "The staged file's size differs from the source.");
            string? recycled = null;
            if (request.ReplaceExisting && File.Exists(destination))
            {
                recycled = RecyclePath(root, request.RecycleFolder, relative.Value);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, recycled))!);
                File.Move(destination, Path.Combine(root, recycled));
            }
            try
            {
                File.Move(staged, destination, overwrite: false);
            }
            catch (IOException) when (File.Exists(destination))
            {
                if (recycled is not null) File.Move(Path.Combine(root, recycled), destination);
                return TransferOutcome.Failed(method, "destination_exists", $"'{relative.Value}' appeared while importing; nothing was overwritten.");
            }
            succeeded = true;
            return new TransferOutcome(true, method, size, Note: note, Recycled: recycled);
        }
        catch (UnauthorizedAccessException e)
        {
            return TransferOutcome.Failed(wanted, "permission_denied", e.Message);
        }
        catch (FileNotFoundException e)
        {
            return TransferOutcome.Failed(wanted, "source_missing", $"The source vanished during the import: {e.Message}");
        }
        catch (DirectoryNotFoundException e)
        {
            return TransferOutcome.Failed(wanted, "source_missing", $"The source vanished during the import: {e.Message}");
        }
        catch (IOException e)
        {
            return IoFailure(wanted, e);
        }
        finally
        {
            // A failed or cancelled transfer leaves the library as it was: no staged file, no folder made for it.
            if (staged is not null) TryDelete(staged);
            if (!succeeded && madeFolder is not null) RemoveIfNoFiles(madeFolder);
        }
    }

    /// <summary>An I/O error by its errno (on Unix an IOException's HResult): a full disk, a broken one, a read-only one.</summary>
    private static TransferOutcome IoFailure(ImportMethod method, IOException e) => e.HResult switch
    {
        Enospc or Edquot => TransferOutcome.Failed(method, "disk_full", $"The library's file system is full; nothing was imported: {e.Message}"),
        Erofs => TransferOutcome.Failed(method, "read_only", $"The library's file system is read-only: {e.Message}"),
        Eio => TransferOutcome.Failed(method, "io_error", $"The disk reported an I/O error: {e.Message}"),
        _ => TransferOutcome.Failed(method, "io_error", e.Message),
    };

    /// <summary>The outermost folder on the way from <paramref name="root"/> to <paramref name="folder"/> that does not exist yet.</summary>
    private static string? FirstMissing(string folder, string root)
    {
        string? missing = null;
        for (var f = folder; f.Length > root.Length && !Directory.Exists(f); f = Path.GetDirectoryName(f)!) missing = f;
        return missing;
    }

    private static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException) { /* the disk is failing; a later scan never counts a .partial file */ }
        catch (UnauthorizedAccessException) { }
    }

    private static void RemoveIfNoFiles(string folder)
    {
        try
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any()) Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The new file under its temporary name: a hardlink, or a verified copy (with the reason when a link was wanted).</summary>
    private static async Task<(ImportMethod Method, string? Note, TransferOutcome? Failure)> StageAsync(TransferRequest request, string staged, CancellationToken ct)
    {
        if (request.Mode != TransferMode.Copy)
        {
            if (Link(request.Source, staged) == 0) return (ImportMethod.Hardlink, null, null);
            var errno = Marshal.GetLastPInvokeError();
            var why = errno switch
            {
                Exdev => "source and library are on different file systems",
                Eperm or Eacces => "the file system refused a hardlink (permissions, or links not supported)",
                _ => $"link(2) failed with errno {errno}",
            };
            if (errno == Eexist) return (ImportMethod.Hardlink, null, TransferOutcome.Failed(ImportMethod.Hardlink, "destination_exists", "The staging name is taken."));
            if (request.Mode == TransferMode.HardlinkOnly)
                return (ImportMethod.Hardlink, null, TransferOutcome.Failed(ImportMethod.Hardlink, "hardlink_failed",
                    $"A hardlink was required but {why}{(errno == Exdev ? " (cross_device)" : "")}; nothing was copied."));
            var copied = await CopyAsync(request.Source, staged, ct);
            return copied ?? (ImportMethod.Copy, $"Copied because a hardlink was not possible: {why}.", null);
        }
        var copy = await CopyAsync(request.Source, staged, ct);
        return copy ?? (ImportMethod.Copy, null, null);
    }

    private static async Task<(ImportMethod, string?, TransferOutcome?)?> CopyAsync(string source, string staged, CancellationToken ct)
    {
        byte[] written;
        await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan))
        await using (var output = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await input.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            await output.FlushAsync(ct);
            output.Flush(flushToDisk: true);
            written = hash.GetHashAndReset();
        }
        if (!(await HashAsync(staged, ct)).AsSpan().SequenceEqual(written))
            return (ImportMethod.Copy, null, TransferOutcome.Failed(ImportMethod.Copy, "verify_failed", "The copy's checksum differs from the source's."));
        return null;
    }

    private static async Task<bool> SameContentAsync(string a, string b, CancellationToken ct)
    {
        if (new FileInfo(a).Length != new FileInfo(b).Length) return false;
        var left = await HashAsync(a, ct);
        var right = await HashAsync(b, ct);
        return left.AsSpan().SequenceEqual(right);
    }

    private static async Task<byte[]> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await SHA256.HashDataAsync(stream, ct);
    }

    private static string RecyclePath(string root, string recycleFolder, string relative)
    {
        var folder = RelativePath.Normalize(recycleFolder).IsSuccess ? RelativePath.Normalize(recycleFolder).Value : ".recycle";
        var candidate = $"{folder}/{relative}";
        if (!File.Exists(Path.Combine(root, candidate))) return candidate;
        var extension = Path.GetExtension(relative);
        return $"{folder}/{relative[..^extension.Length]}.{DateTimeOffset.UtcNow:yyyyMMddHHmmssfff}{extension}";
    }

    private static string RealPath(string path)
    {
        var info = new DirectoryInfo(path);
        var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
        var parent = Path.GetDirectoryName(target.FullName);
        return parent is null ? target.FullName : Path.Combine(RealPath(parent), target.Name);
    }

    private static bool Inside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);
}
