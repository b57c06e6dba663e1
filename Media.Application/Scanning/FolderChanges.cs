namespace Media.Application.Scanning;

/// <summary>
/// Changes a watcher saw in one library, turned into rescans: debounced (a folder is rescanned once it has been
/// quiet for a while, so a download that writes for minutes is one rescan at the end) and coalesced (changes in
/// several folders are one rescan of the folder that holds them all; an overflow is one rescan of the library).
/// Library-relative folders, "" for the root. Not thread-safe: the watcher locks around it.
/// </summary>
public sealed class FolderChanges(TimeSpan quiet)
{
    private readonly Dictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);
    private DateTimeOffset _lastChange;

    public bool IsEmpty => _pending.Count == 0;

    /// <summary>Something changed in this folder (a file created, deleted, renamed, written).</summary>
    public void Changed(string folder, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(folder);
        _pending[folder.Trim('/')] = at;
        _lastChange = at;
    }

    /// <summary>A rescan that could not start (the library is scanning): asked again, without waiting for quiet again.</summary>
    public void Retry(string? folder) => _pending.TryAdd((folder ?? "").Trim('/'), _lastChange);

    /// <summary>Changes were lost (an overflow, an error): the whole library is rescanned.</summary>
    public void Lost(DateTimeOffset at) => Changed("", at);

    /// <summary>
    /// The rescan due now, if the library has been quiet for the debounce time: the folder holding every changed
    /// folder (null for the whole library). Taken out; a rescan that could not start is given back with <see cref="Retry"/>.
    /// </summary>
    public bool TryTakeDue(DateTimeOffset now, out string? folder)
    {
        folder = null;
        if (_pending.Count == 0 || now - _lastChange < quiet) return false;
        folder = Common(_pending.Keys);
        _pending.Clear();
        if (folder.Length == 0) folder = null;
        return true;
    }

    /// <summary>The deepest folder that holds all of these ("" when only the root does).</summary>
    public static string Common(IEnumerable<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        string[]? common = null;
        foreach (var folder in folders)
        {
            var parts = folder.Length == 0 ? [] : folder.Split('/');
            if (common is null)
            {
                common = parts;
                continue;
            }
            var same = 0;
            while (same < common.Length && same < parts.Length && common[same] == parts[same]) same++;
            common = common[..same];
        }
        return common is null ? "" : string.Join('/', common);
    }
}
