using Mapster;
using Media.Domain.Libraries;

namespace Media.Application.Libraries;

/// <summary>A library's storage as the API shows it: never the connection string, only whether one is set.</summary>
public sealed record StorageDto(string Provider, string Root, bool HasConnectionString);

/// <summary>
/// Scheduled verification of a library: when the last complete scan (every file's state verified) finished, and when
/// the schedule (setting <c>scan.intervalMinutes</c>) starts the next one (null while the schedule is off).
/// </summary>
public sealed record VerificationDto(DateTimeOffset? LastCompletedAt, Guid? LastScanId, DateTimeOffset? NextDueAt, int IntervalMinutes);

/// <summary><c>watch</c>: changes on disk are rescanned at once (local libraries); <c>verification</c>: only on a single library.</summary>
public sealed record LibraryDto(
    Guid Id, string Name, LibraryKind Kind, StorageDto Storage, DateTimeOffset CreatedAt, bool Watch = true, VerificationDto? Verification = null);

internal sealed class LibraryMapping : IRegister
{
    public void Register(TypeAdapterConfig config) =>
        config.NewConfig<Library, LibraryDto>()
            .MapWith(l => new LibraryDto(l.Id.Value, l.Name, l.Kind, new StorageDto(l.Storage.Provider, l.Storage.Root, l.Storage.ProtectedConnectionString != null), l.CreatedAt, l.Watch, null));
}
