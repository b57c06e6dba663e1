using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Media.Application.Downloads;
using Media.Application.Storage;
using Media.Domain.Libraries;

namespace Media.Infrastructure.Storage;

/// <summary>
/// Blob clients for azure-blob libraries: one per connection string, made from the decrypted secret, pinned to a
/// service version that both Azure and the Azurite emulator accept, with short retries so that an endpoint that does
/// not answer fails a scan in seconds rather than minutes.
/// </summary>
internal sealed class AzureBlobClients(ISecretProtector secrets, IEnumerable<HttpPipelinePolicy>? policies = null)
{
    /// <summary>Azure.Storage.Blobs 12.30.1 defaults to 2026-10-06; Azurite 3.37.0 accepts up to 2026-06-06.</summary>
    public const BlobClientOptions.ServiceVersion Version = BlobClientOptions.ServiceVersion.V2026_06_06;

    private readonly ConcurrentDictionary<string, BlobServiceClient> _services = new(StringComparer.Ordinal);
    private readonly HttpPipelinePolicy[] _policies = policies?.ToArray() ?? [];

    /// <summary>The container of an azure-blob location; throws <see cref="StorageUnavailableException"/> when its secret cannot be used.</summary>
    public BlobContainerClient Container(StorageLocation location)
    {
        if (location.Provider != StorageLocation.AzureBlobProvider || location.ProtectedConnectionString is not { } protectedSecret)
            throw new ArgumentException("Not an azure-blob location with a connection string.", nameof(location));
        var service = _services.GetOrAdd(protectedSecret, Create);
        return service.GetBlobContainerClient(location.ContainerAndPrefix.Container);
    }

    private BlobServiceClient Create(string protectedSecret)
    {
        var connectionString = secrets.Unprotect(protectedSecret)
            ?? throw new StorageUnavailableException("The library's connection string cannot be decrypted (the Data Protection keys changed); enter it again.");
        var options = new BlobClientOptions(Version);
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(60);
        foreach (var policy in _policies) options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        try
        {
            return new BlobServiceClient(connectionString, options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or UriFormatException)
        {
            // Never the message: it may quote the secret.
            throw new StorageUnavailableException("The library's connection string is not one the Azure SDK accepts; enter it again.");
        }
    }

    /// <summary>Why a request failed, when it says the store cannot be reached or read; null for other failures.</summary>
    public static string? Unavailable(Exception e, string container) => e switch
    {
        StorageUnavailableException u => u.Message,
        RequestFailedException { ErrorCode: "ContainerNotFound" } => $"The container '{container}' does not exist.",
        RequestFailedException { Status: 403 } r => $"The storage account refused the credentials ({r.ErrorCode ?? "HTTP 403"}).",
        RequestFailedException { Status: 0 } r => $"The blob endpoint does not answer: {r.Message}",
        RequestFailedException { Status: >= 500 } r => $"The blob service failed ({r.Status} {r.ErrorCode}).",
        AggregateException a when a.InnerExceptions.Count > 0 => Unavailable(a.InnerExceptions[^1], container),
        HttpRequestException or IOException or TimeoutException => $"The blob endpoint does not answer: {e.Message}",
        _ => null,
    };
}
