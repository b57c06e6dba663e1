using System.Globalization;
using System.Text;

namespace Media.Application.Downloads;

/// <summary>The release name and total size a .torrent file or a magnet URI tells before anything is downloaded.</summary>
public static class TorrentMetadata
{
    public static (string Name, long? Size) Read(TorrentSource source)
    {
        if (source.TorrentFile is { } bytes && TryRead(bytes) is { } meta) return meta;
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

    private static (string, long?)? TryRead(byte[] data)
    {
        try
        {
            var i = 0;
            if (Value(data, ref i) is not Dictionary<string, object> root || !root.TryGetValue("info", out var infoValue) || infoValue is not Dictionary<string, object> info) return null;
            var name = info.TryGetValue("name", out var n) && n is byte[] nb ? Encoding.UTF8.GetString(nb) : "";
            long size = info.TryGetValue("length", out var l) && l is long single ? single : 0;
            if (info.TryGetValue("files", out var f) && f is List<object> files)
                size = files.OfType<Dictionary<string, object>>().Sum(file => file.TryGetValue("length", out var fl) && fl is long x ? x : 0);
            return (name, size);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or FormatException or ArgumentException or OverflowException)
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
