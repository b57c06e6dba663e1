using System.Globalization;
using System.Text;

namespace Media.Application.Downloads;

/// <summary>
/// What a .torrent file or a magnet URI tells before anything is downloaded: the release name, the total size, and
/// the info hash (SHA-1 of the bencoded "info" dictionary, or the magnet's btih).
/// </summary>
public static class TorrentMetadata
{
    /// <summary>The info hash in lower-case hex, or null when the source does not say (a .torrent URL, a bad file).</summary>
    public static string? InfoHash(TorrentSource source)
    {
        if (source.TorrentFile is { } bytes) return Parse(bytes)?.Hash;
        const string marker = "xt=urn:btih:";
        var at = source.Uri?.IndexOf(marker, StringComparison.OrdinalIgnoreCase) ?? -1;
        if (at < 0) return null;
        var value = source.Uri![(at + marker.Length)..].Split('&')[0];
        return value.Length == 40 ? value.ToLowerInvariant() : null;
    }

    public static (string Name, long? Size) Read(TorrentSource source)
    {
        if (source.TorrentFile is { } bytes && Parse(bytes) is { } meta) return (meta.Name, meta.Size);
        if (source.Uri is { } uri)
        {
            if (uri.StartsWith("magnet:?", StringComparison.OrdinalIgnoreCase))
            {
                var dn = uri[8..].Split('&').FirstOrDefault(p => p.StartsWith("dn=", StringComparison.OrdinalIgnoreCase));
                var xl = uri[8..].Split('&').FirstOrDefault(p => p.StartsWith("xl=", StringComparison.OrdinalIgnoreCase));
                return (dn is null ? "" : Uri.UnescapeDataString(dn[3..].Replace('+', ' ')),
                        xl is not null && long.TryParse(xl[3..], CultureInfo.InvariantCulture, out var size) ? size : null);
            }
            if (Uri.TryCreate(uri, UriKind.Absolute, out var url)) return (Uri.UnescapeDataString(url.Segments.LastOrDefault() ?? "").Replace(".torrent", "", StringComparison.OrdinalIgnoreCase), null);
        }
        return ("", null);
    }

    private static (string Name, long? Size, string Hash)? Parse(byte[] data)
    {
        try
        {
            // The top-level dictionary, read key by key so that the bytes of "info" are known for the hash.
            if (data.Length == 0 || data[0] != (byte)'d') return null;
            var i = 1;
            while (data[i] != (byte)'e')
            {
                var key = Encoding.UTF8.GetString((byte[])Value(data, ref i));
                var start = i;
                var value = Value(data, ref i);
                if (key != "info" || value is not Dictionary<string, object> info) continue;
                var name = info.TryGetValue("name", out var n) && n is byte[] nb ? Encoding.UTF8.GetString(nb) : "";
                long size = info.TryGetValue("length", out var l) && l is long single ? single : 0;
                if (info.TryGetValue("files", out var f) && f is List<object> files)
                    size = files.OfType<Dictionary<string, object>>().Sum(file => file.TryGetValue("length", out var fl) && fl is long x ? x : 0);
#pragma warning disable CA5350 // BitTorrent v1 info hashes are SHA-1 by definition: an identifier, not security
                return (name, size, Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(data.AsSpan(start, i - start))));
#pragma warning restore CA5350
            }
            return null;
        }
        catch (Exception e) when (e is IndexOutOfRangeException or FormatException or ArgumentException or OverflowException or InvalidCastException)
        {
            return null;
        }
    }

    private static object Value(byte[] data, ref int i)
    {
        switch ((char)data[i])
        {
            case 'i':
                var end = Array.IndexOf(data, (byte)'e', i);
                var number = long.Parse(Encoding.ASCII.GetString(data, i + 1, end - i - 1), CultureInfo.InvariantCulture);
                i = end + 1;
                return number;
            case 'l':
                i++;
                var list = new List<object>();
                while (data[i] != (byte)'e') list.Add(Value(data, ref i));
                i++;
                return list;
            case 'd':
                i++;
                var dict = new Dictionary<string, object>(StringComparer.Ordinal);
                while (data[i] != (byte)'e')
                {
                    var key = Encoding.UTF8.GetString((byte[])Value(data, ref i));
                    dict[key] = Value(data, ref i);
                }
                i++;
                return dict;
            default:
                var colon = Array.IndexOf(data, (byte)':', i);
                var length = int.Parse(Encoding.ASCII.GetString(data, i, colon - i), CultureInfo.InvariantCulture);
                var bytes = data.AsSpan(colon + 1, length).ToArray();
                i = colon + 1 + length;
                return bytes;
        }
    }
}
