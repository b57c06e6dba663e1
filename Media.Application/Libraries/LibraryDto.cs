using Mapster;
using Media.Domain.Libraries;

namespace Media.Application.Libraries;

/// <summary>A library's storage as the API shows it: never the connection string, only whether one is set.</summary>
public sealed record StorageDto(string Provider, string Root, bool HasConnectionString);

public sealed record LibraryDto(Guid Id, string Name, LibraryKind Kind, StorageDto Storage, DateTimeOffset CreatedAt);

internal sealed class LibraryMapping : IRegister
{
    public void Register(TypeAdapterConfig config) =>
        config.NewConfig<Library, LibraryDto>()
            .MapWith(l => new LibraryDto(l.Id.Value, l.Name, l.Kind, new StorageDto(l.Storage.Provider, l.Storage.Root, l.Storage.ProtectedConnectionString != null), l.CreatedAt));
}
