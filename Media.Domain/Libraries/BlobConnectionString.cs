namespace Media.Domain.Libraries;

/// <summary>
/// The shape of an Azure Storage connection string (<c>key=value</c> pairs separated by <c>;</c>), checked before it
/// is encrypted and stored: an account (name, or a blob endpoint) and a credential (account key or SAS), or
/// <c>UseDevelopmentStorage=true</c>. A pure string check: whether the account answers is for the storage adapter.
/// </summary>
public static class BlobConnectionString
{
    public const int MaxLength = 4096;

    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "DefaultEndpointsProtocol", "AccountName", "AccountKey", "SharedAccessSignature", "EndpointSuffix", "BlobEndpoint",
        "QueueEndpoint", "TableEndpoint", "FileEndpoint", "BlobSecondaryEndpoint", "QueueSecondaryEndpoint",
        "TableSecondaryEndpoint", "FileSecondaryEndpoint", "UseDevelopmentStorage", "DevelopmentStorageProxyUri",
    };

    /// <summary>Null when the string has the shape of a connection string to a blob service; otherwise what is wrong.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "A connection string is required for azure-blob.";
        if (value.Length > MaxLength) return $"The connection string is longer than {MaxLength} characters.";
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var number = 0;
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            number++;
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) return $"Part {number} is not a key=value pair; a connection string is key=value pairs separated by ';'.";
            var key = part[..equals].Trim();
            if (!Known.Contains(key)) return $"'{Shown(key)}' is not a key of an Azure Storage connection string.";
            if (!pairs.TryAdd(key, part[(equals + 1)..].Trim())) return $"'{key}' is given twice.";
        }
        if (pairs.Count == 0) return "A connection string is required for azure-blob.";

        if (pairs.TryGetValue("UseDevelopmentStorage", out var development))
            return string.Equals(development, "true", StringComparison.OrdinalIgnoreCase) ? null : "UseDevelopmentStorage can only be true.";
        if (pairs.TryGetValue("DefaultEndpointsProtocol", out var protocol) && protocol is not ("http" or "https"))
            return "DefaultEndpointsProtocol is http or https.";
        if (pairs.TryGetValue("BlobEndpoint", out var endpoint)
            && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            return "BlobEndpoint must be an absolute http or https URL.";
        if (!pairs.ContainsKey("BlobEndpoint") && !pairs.ContainsKey("AccountName"))
            return "The connection string names no account: give AccountName (or BlobEndpoint).";
        if (pairs.TryGetValue("AccountKey", out var key64))
        {
            if (!pairs.ContainsKey("AccountName")) return "An AccountKey needs its AccountName.";
            if (key64.Length == 0 || !Convert.TryFromBase64String(key64, new byte[key64.Length], out _)) return "AccountKey is not base64.";
        }
        else if (!pairs.ContainsKey("SharedAccessSignature"))
            return "The connection string holds no credential: give AccountKey or SharedAccessSignature.";
        return null;
    }

    // Never echo a whole secret back: a key is short, a value is cut.
    private static string Shown(string text) => text.Length <= 24 ? text : text[..24] + "...";
}
