using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Application.Users;

public interface IUserRepository : IRepository<User, UserId>
{
    /// <summary>The enabled user holding this API key hash, with the permissions of its role.</summary>
    Task<AuthenticatedUser?> FindByApiKeyHashAsync(string apiKeyHash, CancellationToken ct);
}

public sealed record AuthenticatedUser(UserId Id, string Username, string Role, IReadOnlyList<string> Permissions);
