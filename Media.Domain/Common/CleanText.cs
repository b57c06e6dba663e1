namespace Media.Domain.Common;

/// <summary>
/// Text a client may send: no control characters (a NUL is refused by PostgreSQL and breaks file names), no lone
/// surrogates and no U+FFFD (the traces of bytes that were not valid UTF-8).
/// </summary>
public static class CleanText
{
    /// <summary>Why the text is refused, or null when it is clean.</summary>
    public static string? Problem(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c)) return $"Control characters (U+{(int)c:X4}) are not allowed.";
            if (c == '\uFFFD') return "The text holds a replacement character: it was not valid UTF-8.";
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(c)) return "The text holds a lone surrogate: it is not valid Unicode.";
        }
        return null;
    }
}
