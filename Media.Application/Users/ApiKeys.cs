using System.Security.Cryptography;
using System.Text;

namespace Media.Application.Users;

/// <summary>
/// API keys are 256 random bits; only their SHA-256 is stored. A fast hash is enough for keys this long
/// (no dictionary to guess from), and it lets a request find its user with one indexed lookup.
/// </summary>
public static class ApiKeys
{
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string apiKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey ?? throw new ArgumentNullException(nameof(apiKey)))));
}
