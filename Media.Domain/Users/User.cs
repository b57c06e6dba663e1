using Media.Domain.Common;

namespace Media.Domain.Users;

/// <summary>A person or a program using the API. Only hashes of the password and the API key are kept.</summary>
public sealed class User
{
    public const int MaxUsernameLength = 100;

    private User() { } // for EF

    public UserId Id { get; private set; }
    public string Username { get; private set; } = "";
    public string? PasswordHash { get; private set; }
    public string ApiKeyHash { get; private set; } = "";
    public RoleId RoleId { get; private set; }
    public bool Disabled { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static User Create(string username, RoleId role, string apiKeyHash, string? passwordHash, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(username) || username.Length > MaxUsernameLength)
            throw new ArgumentException("A username of 1 to 100 characters is required.", nameof(username));
        if (string.IsNullOrWhiteSpace(apiKeyHash)) throw new ArgumentException("An API key hash is required.", nameof(apiKeyHash));
        return new User
        {
            Id = UserId.New(), Username = username.Trim(), RoleId = role, ApiKeyHash = apiKeyHash,
            PasswordHash = passwordHash, CreatedAt = at,
        };
    }

    public void RotateApiKey(string apiKeyHash) =>
        ApiKeyHash = string.IsNullOrWhiteSpace(apiKeyHash) ? throw new ArgumentException("An API key hash is required.", nameof(apiKeyHash)) : apiKeyHash;

    public void SetPassword(string? passwordHash) => PasswordHash = string.IsNullOrWhiteSpace(passwordHash) ? null : passwordHash;

    public void ChangeRole(RoleId role) => RoleId = role;

    public void Disable() => Disabled = true;

    public void Enable() => Disabled = false;

    /// <summary>An enabled admin: the kind of user that must always remain.</summary>
    public bool IsActiveAdmin => RoleId == Role.AdminId && !Disabled;
}

public static class UserErrors
{
    public static Error NotFound(UserId id) => Error.NotFound("user.not_found", $"User {id.Value} does not exist.");
    public static Error LastAdmin() =>
        Error.Conflict("user.last_admin", "This is the last enabled admin: it cannot be deleted, disabled or given another role.");
    public static Error Duplicate(string username) => Error.Conflict("user.duplicate", $"A user named '{username}' already exists.");
}
