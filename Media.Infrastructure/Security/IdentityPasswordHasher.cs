using Microsoft.AspNetCore.Identity;

namespace Media.Infrastructure.Security;

/// <summary>ASP.NET Core Identity's PasswordHasher (PBKDF2 with a per-password salt, versioned format).</summary>
internal sealed class IdentityPasswordHasher : Application.Users.IPasswordHasher
{
    private static readonly object Subject = new();
    private readonly PasswordHasher<object> _hasher = new();

    public string Hash(string password) => _hasher.HashPassword(Subject, password);

    public bool Verify(string hash, string password) =>
        _hasher.VerifyHashedPassword(Subject, hash, password) is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded;
}
