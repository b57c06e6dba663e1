using Ardalis.Specification;
using Media.Domain.Users;

namespace Media.Application.Users;

/// <summary>Start-up: with no user at all, create "admin" (role Admin) so that the API can be reached.</summary>
public sealed record BootstrapAdmin(string? ConfiguredApiKey);

/// <summary>The key to log once when it was generated (null when configured, or when users already existed).</summary>
public sealed record BootstrapOutcome(bool Created, string? GeneratedApiKey);

public sealed class BootstrapAdminHandler(IUserRepository users, TimeProvider clock)
{
    public const string AdminUsername = "admin";

    public async Task<BootstrapOutcome> Handle(BootstrapAdmin cmd, CancellationToken ct)
    {
        if (await users.AnyAsync(new AnyUser(), ct)) return new(false, null);
        var generated = string.IsNullOrWhiteSpace(cmd.ConfiguredApiKey) ? ApiKeys.Generate() : null;
        var admin = User.Create(AdminUsername, Role.AdminId, ApiKeys.Hash(generated ?? cmd.ConfiguredApiKey!), null, clock.GetUtcNow());
        // Another instance may have won the race: the unique username makes that a harmless conflict.
        var added = await users.AddAsync(admin, ct);
        return added.IsSuccess ? new(true, generated) : new(false, null);
    }

    private sealed class AnyUser : Specification<User>;
}
