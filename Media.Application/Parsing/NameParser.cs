using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Media.Application.Parsing;

/// <summary>
/// Reads kind, title, year, season, episodes, ID tags and resolution from a file name and its folders.
/// Pure and allocation-light: a scan calls it once per new file.
/// </summary>
public static partial class NameParser
{
    private static readonly FrozenSet<string> VideoExtensions = FrozenSet.ToFrozenSet(
        ["mkv", "avi", "mp4", "m4v", "mov", "wmv", "mpg", "mpeg", "ts", "m2ts", "mts", "vob", "iso", "webm", "flv",
         "ogm", "ogv", "divx", "rmvb", "3gp", "asf", "strm", "bluray", "disc"], StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> OtherExtensions = FrozenSet.ToFrozenSet(
        ["srt", "ass", "ssa", "sub", "idx", "vtt", "sup", "smi", "nfo", "txt", "jpg", "jpeg", "png", "gif", "bmp",
         "webp", "sfv", "md5", "nzb", "torrent", "url", "exe", "rar", "zip", "7z", "par2", "db", "ini", "xml", "json",
         "log", "lnk", "mp3", "flac", "m4a", "aac", "ac3", "dts", "pdf", "doc", "htm", "html", "dat", "bak", "cue",
         "tbn", "ds_store"], StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> PartialExtensions = FrozenSet.ToFrozenSet(
        ["part", "!qb", "!ut", "crdownload", "partial", "download", "tmp"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Folders that hold bonus material, not the feature (Plex, Jellyfin and Kodi names).</summary>
    public static readonly FrozenSet<string> ExtrasFolders = FrozenSet.ToFrozenSet(
        ["extras", "extra", "featurettes", "featurette", "trailers", "trailer", "behind the scenes", "behindthescenes",
         "deleted scenes", "deletedscenes", "interviews", "interview", "scenes", "shorts", "short", "other", "others",
         "bonus", "bonus features", "making of", "clips", "backdrops", "theme-music", "sample", "samples"],
        StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> ExtrasSuffixes = FrozenSet.ToFrozenSet(
        ["trailer", "featurette", "behindthescenes", "deleted", "deletedscene", "interview", "scene", "short", "other",
         "extra", "sample", "clip"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Release tags that are never part of a title: quality, source, codec, audio.</summary>
    private static readonly FrozenSet<string> TechnicalWords = FrozenSet.ToFrozenSet(
        ["480p", "576p", "720p", "1080p", "1080i", "2160p", "4320p", "4k", "uhd", "hdtv", "pdtv", "sdtv", "dsr",
         "dsrip", "tvrip", "hdtvrip", "webrip", "webdl", "web-dl", "webdlrip", "web-dlrip", "bluray", "blu-ray", "bdrip",
         "brrip", "bdremux", "bdmv", "dvdrip", "dvdr", "dvd5", "dvd9", "dvdscr", "hddvd", "hdrip", "r5", "hdcam",
         "camrip", "telesync", "telecine", "vhsrip", "x264", "x265", "h264", "h265", "hevc", "xvid", "divx",
         "hi10", "hi10p", "10bit", "8bit", "aac", "aac2", "ac3", "eac3", "dts", "dtshd", "dts-hd", "truehd", "atmos",
         "dd5", "ddp5", "ddp", "dd2", "flac", "lpcm", "nfofix", "readnfo", "hdr10", "remux", "bdmux", "brmux",
         "brripmux", "bdripmux", "hdtvmux", "dvdmux", "webmux", "1920x1080", "1280x720", "dual-audio", "hdr10plus",
         "dvdivx", "hdts", "x264-", "mbps", "vp9", "opus", "web-rip", "dl", "dvd", "cam", "r6", "pal", "ntsc",
         "vostfr", "truefrench", "subforced", "extended", "unrated", "remastered", "theatrical", "directors", "imax", "recut", "criterion", "multisub", "multi-sub", "hc", "dxva"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Words that are release tags when written as tags, but may be title words ("The Good German").</summary>
    private static readonly FrozenSet<string> SoftWords = FrozenSet.ToFrozenSet(
        ["web", "proper", "repack", "rerip", "internal", "limited", "uncut",
         "restored", "director", "multi", "french", "vff", "vfq", "german",
         "ita", "spanish", "castellano", "latino", "rus", "ukr", "hun", "subbed", "dubbed", "ws", "hdr", "dv",
         "complete", "hq", "nf", "amzn", "dsnp", "hmax", "atvp", "stv", "fs", "subs", "custom", "ts",
         "sdr", "mhd", "ld", "md", "ac3d", "proof", "prooffix", "dirfix", "syncfix", "eng", "english", "vo", "ger",
         "fr", "jap", "japanese", "dual", "legendado", "legendas", "subtitulado", "dolby", "convert", "doku",
         "swissgerman", "edition", "collector", "collectors", "dc", "bd", "scr", "screener", "r5",
         "integral", "open", "hybrid", "vostfr", "vf", "sub", "español", "esp", "nlsubs", "fansub"],
        StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> TechnicalLookup = TechnicalWords.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> SoftLookup = SoftWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string> ArticleSuffixes = FrozenSet.ToFrozenSet(
        ["the", "a", "an", "le", "la", "les", "der", "die", "das"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Parses a file name, optionally with its library-relative (or absolute) folders. The library's kind, when known,
    /// is a hint: in a movie library a file is a movie unless it carries an explicit marker (S01E02, 1x02), so
    /// "Room 237 (2012)" is not season 2 episode 37; in a series library the top folder names the series.
    /// </summary>
    public static ParsedName Parse(string? input, ParseHint hint = ParseHint.None)
    {
        if (string.IsNullOrWhiteSpace(input)) return Empty;
        if (input.AsSpan().ContainsAnyInRange('\uFF01', '\uFF5E')) input = FoldFullWidth(input);
        var segments = SplitPath(input.Trim());
        if (segments.Length == 0) return Empty;

        var file = segments[^1];
        var folders = segments.AsSpan(0, segments.Length - 1);
        var (stem, isVideo, isOther, isPartial) = SplitExtension(file);

        var (tmdbId, imdbId) = FindIds(folders, ref stem);
        var isSample = stem.Contains("sample", StringComparison.OrdinalIgnoreCase) && SampleWord().IsMatch(stem);
        var isExtra = ExtraSuffix(stem);

        int? folderSeason = null;
        var seasonFolderIndex = -1;
        for (var i = folders.Length - 1; i >= 0; i--)
        {
            var folder = folders[i];
            if (IsExtrasFolder(folders[..(i + 1)], hint))
            {
                if (folder.StartsWith("sample", StringComparison.OrdinalIgnoreCase)) isSample = true;
                else isExtra = true;
                continue;
            }
            if (i >= folders.Length - 2 && SeasonFolder(folder) is { } s && folderSeason is null)
            {
                folderSeason = s;
                seasonFolderIndex = i;
            }
        }

        var parentIndex = seasonFolderIndex >= 0 ? seasonFolderIndex - 1 : folders.Length - 1;
        while (parentIndex >= 0 && IsExtrasFolder(folders[..(parentIndex + 1)], hint)) parentIndex--;
        var movieOnly = hint == ParseHint.Movie;
        var core = ParseCore(stem, new Context(folderSeason is not null, parentIndex >= 0 ? folders[parentIndex] : null, movieOnly));

        if (parentIndex >= 0) core = WithFolder(core, ParseCore(folders[parentIndex], movieOnly ? Context.Movie : Context.None), folderSeason is not null);

        var season = core.Season;
        var episodes = core.Episodes;
        var absolute = core.Absolute;
        if (season is null && folderSeason is not null)
        {
            season = folderSeason;
            if (episodes.Count == 0 && absolute.Count > 0 && !core.AnimeStyle) (episodes, absolute) = (absolute, []);
        }

        var kind = core.HasMarker || season is not null || core.AirDate is not null ? ParsedKind.Episode : ParsedKind.Movie;
        if (isOther || isExtra) kind = ParsedKind.Other;

        return new ParsedName(
            kind, core.Title, core.Year, season, episodes, absolute, core.AirDate, tmdbId ?? core.TmdbId, imdbId ?? core.ImdbId,
            core.Resolution, isSample, isExtra, isPartial, isVideo && !isOther);
    }

    /// <summary>
    /// Whether the last of <paramref name="folders"/> holds bonus material: it has an extras name ("Featurettes",
    /// "Other", "Shorts"...) and sits inside a folder that names a title: a movie or series folder (a year or an ID
    /// tag), a season folder, or, in a series library, the top folder. "Movies/Other/Heat (1995)" is a user's own
    /// folder named Other, not extras.
    /// </summary>
    public static bool IsExtrasFolder(ReadOnlySpan<string> folders, ParseHint hint = ParseHint.None)
    {
        if (folders.Length < 2 || !ExtrasFolders.Contains(folders[^1])) return false;
        var parent = folders[^2];
        if (hint == ParseHint.Series && folders.Length == 2) return true;
        if (SeasonFolder(parent) is not null) return true;
        if (Has(parent, "tmdb") && TmdbTag().IsMatch(parent) || Has(parent, "imdb") && ImdbTag().IsMatch(parent)) return true;
        return ParseCore(parent, Context.None).Year is not null;
    }

    /// <summary>
    /// Full-width ASCII ("１５８", common in anime releases) to ASCII. By hand: string.Normalize does nothing beyond
    /// ASCII under invariant globalization, which this service runs with.
    /// </summary>
    private static string FoldFullWidth(string input) =>
        string.Create(input.Length, input, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                span[i] = source[i] is >= '\uFF01' and <= '\uFF5E' ? (char)(source[i] - 0xFEE0) : source[i];
        });

    /// <summary>Splits on '/' and '\\', except a '/' with spaces around it, which is part of a name ("Title / Other Title").</summary>
    private static string[] SplitPath(string input)
    {
        var parts = new List<string>();
        var start = 0;
        var depth = 0;
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] == '(') depth++;
            else if (input[i] == ')' && depth > 0) depth--;
            if (input[i] == '\\' || input[i] == '/' && depth == 0 && !(i > 0 && input[i - 1] == ' ' && i + 1 < input.Length && input[i + 1] == ' '))
            {
                if (i > start) parts.Add(input[start..i].Trim());
                start = i + 1;
            }
        }
        if (start < input.Length) parts.Add(input[start..].Trim());
        parts.RemoveAll(p => p.Length == 0);
        return [.. parts];
    }

    private static readonly ParsedName Empty =
        new(ParsedKind.Other, null, null, null, [], [], null, null, null, null, false, false, false, false);

    /// <summary>What the file's own folder adds: a better name for obfuscated files, the year of a tidy movie folder.</summary>
    private static Core WithFolder(Core file, Core folder, bool inSeasonFolder)
    {
        var fileTitle = Normalize(file.Title);
        var folderTitle = Normalize(folder.Title);
        var fileIsName = file.HasTitleWords;
        if (!file.HasMarker && file.Year is null)
        {
            // "mxNMuJWeO7.mkv" or "grp-mv.avi" inside a release folder: the folder is the better name.
            if (folder.HasMarker || folder.Year is not null || folder.Tagged && folder.Title is not null && !fileIsName)
            {
                if (file.Title is null || folder.HasMarker || !fileIsName || inSeasonFolder ||
                    folder.Year is not null && folderTitle.Length > 0 && fileTitle.StartsWith(folderTitle, StringComparison.Ordinal))
                    return folder with { Resolution = file.Resolution ?? folder.Resolution };
                if (folderTitle == fileTitle) return file with { Year = folder.Year };
            }
            return file;
        }
        if (file.Title is null) return file with { Title = folder.Title, Year = file.Year ?? folder.Year };
        if (!file.Title.Any(char.IsLetter) && folder.HasMarker && folder.Title is not null && file.Season is null)
            return folder with { Resolution = file.Resolution ?? folder.Resolution }; // "Show.S02E05.../160725_02.mkv"
        if (file.Year is not null && folder.Year == file.Year && folderTitle.Length > 0 && fileTitle != folderTitle &&
            fileTitle.EndsWith(folderTitle, StringComparison.Ordinal))
            return file with { Title = folder.Title }; // "blow-how.to.be.single.2016" inside "How.To.Be.Single.2016..."
        return file;
    }

    /// <summary>Lower-case letters and digits only, Latin accents folded ("Rêves" = "reves"): how titles are compared.</summary>
    public static string Normalize(string? title)
    {
        if (string.IsNullOrEmpty(title)) return "";
        var buffer = title.Length <= 256 ? stackalloc char[title.Length] : new char[title.Length];
        var n = 0;
        foreach (var c in title)
        {
            var folded = c < 0x80 ? char.ToLowerInvariant(c)
                : c is >= '\u00C0' and <= '\u017F' ? LatinFold[c - 0xC0]
                : char.ToLowerInvariant(c);
            if (char.IsLetterOrDigit(folded)) buffer[n++] = folded;
        }
        return new string(buffer[..n]);
    }

    /// <summary>U+00C0..U+017F to their base Latin letter; '\0' drops the character (×, ÷).</summary>
    private static readonly string LatinFold = string.Concat(
        "aaaaaaaceeeeiiiidnooooo\0ouuuuyts", "aaaaaaaceeeeiiiidnooooo\0ouuuuyty",
        new string('a', 6), new string('c', 8), new string('d', 4), new string('e', 10), new string('g', 8),
        new string('h', 4), new string('i', 12), new string('j', 2), new string('k', 3), new string('l', 10),
        new string('n', 9), new string('o', 8), new string('r', 6), new string('s', 8), new string('t', 6),
        new string('u', 12), new string('w', 2), new string('y', 3), new string('z', 6), "s");

    private static (string Stem, bool IsVideo, bool IsOther, bool IsPartial) SplitExtension(string file)
    {
        var stem = file;
        var isPartial = false;
        var isVideo = false;
        var isOther = false;
        for (var round = 0; round < 2; round++)
        {
            var dot = stem.LastIndexOf('.');
            if (dot <= 0 || stem.Length - dot > 12) break;
            var extension = stem[(dot + 1)..];
            if (!isPartial && PartialExtensions.Contains(extension)) { isPartial = true; stem = stem[..dot]; continue; }
            if (VideoExtensions.Contains(extension)) { isVideo = true; stem = stem[..dot]; }
            else if (OtherExtensions.Contains(extension)) { isOther = true; stem = stem[..dot]; }
            break;
        }
        return (stem, isVideo, isOther, isPartial);
    }

    private static (int? TmdbId, string? ImdbId) FindIds(ReadOnlySpan<string> folders, ref string stem)
    {
        int? tmdb = null;
        string? imdb = null;
        for (var i = folders.Length - 1; i >= 0; i--)
        {
            if (tmdb is null && Has(folders[i], "tmdb") && TmdbTag().Match(folders[i]) is { Success: true } t) tmdb = ParseId(t.Groups[1].Value);
            if (imdb is null && Has(folders[i], "imdb") && ImdbTag().Match(folders[i]) is { Success: true } m) imdb = m.Groups[1].Value.ToLowerInvariant();
        }
        if (Has(stem, "tmdb") && TmdbTag().Match(stem) is { Success: true } ft)
        {
            tmdb ??= ParseId(ft.Groups[1].Value);
            stem = stem.Remove(ft.Index, ft.Length);
        }
        if (Has(stem, "imdb") && ImdbTag().Match(stem) is { Success: true } fi)
        {
            imdb ??= fi.Groups[1].Value.ToLowerInvariant();
            stem = stem.Remove(fi.Index, fi.Length);
        }
        if (Has(stem, "tvdb") && OtherIdTag().Match(stem) is { Success: true } other) stem = stem.Remove(other.Index, other.Length);
        return (tmdb, imdb);
    }

    private static int? ParseId(string digits) => int.TryParse(digits, out var id) && id > 0 ? id : null;

    private static bool ExtraSuffix(string stem)
    {
        var dash = stem.LastIndexOf('-');
        if (dash < 0 || dash == stem.Length - 1) return false;
        var suffix = stem[(dash + 1)..].Trim();
        return suffix.All(char.IsLower) && ExtrasSuffixes.Contains(suffix);
    }

    private static int? SeasonFolder(string folder)
    {
        if (folder.Equals("specials", StringComparison.OrdinalIgnoreCase) || folder.Equals("special", StringComparison.OrdinalIgnoreCase)) return 0;
        return SeasonFolderPattern().Match(folder) is { Success: true } m && int.TryParse(m.Groups[1].Value, out var s) ? s : null;
    }
}
