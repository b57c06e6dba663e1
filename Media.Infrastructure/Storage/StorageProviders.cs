using Media.Application.Imports;
using Media.Application.Storage;
using Media.Domain.Libraries;

namespace Media.Infrastructure.Storage;

/// <summary>The storage of a library, by its provider: a local disk or an Azure Blob Storage container.</summary>
internal sealed class LibraryStorageFactory(AzureBlobClients blobs) : ILibraryStorageFactory
{
    public ILibraryStorage For(StorageLocation location) => location.Provider switch
    {
        StorageLocation.LocalProvider => new LocalLibraryStorage(location.Root),
        StorageLocation.AzureBlobProvider => new AzureBlobLibraryStorage(blobs, location),
        _ => throw new NotSupportedException($"Storage provider '{location.Provider}' is not supported."),
    };
}

/// <summary>The import's byte mover for the library's provider: link or copy on disk, upload to a blob container.</summary>
internal sealed class StorageFileTransfer(LocalFileTransfer local, AzureBlobFileTransfer blobs) : IFileTransfer
{
    public Task<TransferOutcome> TransferAsync(TransferRequest request, CancellationToken ct) => request.Library.Provider switch
    {
        StorageLocation.LocalProvider => local.TransferAsync(request, ct),
        StorageLocation.AzureBlobProvider => blobs.TransferAsync(request, ct),
        _ => throw new NotSupportedException($"Storage provider '{request.Library.Provider}' is not supported."),
    };
}
