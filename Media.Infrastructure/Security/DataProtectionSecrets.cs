using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Media.Infrastructure.Security;

/// <summary>Secrets at rest through ASP.NET Core Data Protection (keys in the data directory).</summary>
internal sealed class DataProtectionSecrets(IDataProtectionProvider provider) : Application.Downloads.ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Media.Secrets.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string? Unprotect(string protectedSecret)
    {
        try
        {
            return _protector.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            return null; // the keys changed: the secret must be entered again
        }
    }
}
