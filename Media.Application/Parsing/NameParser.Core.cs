using System.Text;
using System.Text.RegularExpressions;

namespace Media.Application.Parsing;

public static partial class NameParser
{
    private sealed record Core(
        string? Title, int? Year, int? Season, IReadOnlyList<int> Episodes, IReadOnlyList<int> Absolute, DateOnly? AirDate,
        string? Resolution, bool HasMarker, bool AnimeStyle, bool HasTitleWords, bool Tagged = false, int? TmdbId = null, string? ImdbId = null);

    /// <summary>What the folders say about a file name: it sits in a season folder, or in a folder named like its title.</summary>
    private readonly record struct Context(bool InSeasonFolder, string? Parent, bool MovieOnly = false)
    {
        public static readonly Context None = new(false, null);
        public static readonly Context Movie = new(false, null, true);
        public bool InFolder => InSeasonFolder || Parent is not null;
    }

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
    private const int MaxEpisodesInRange = 200;

    private static Core ParseCore(string name, Context context)
    {
        var (s, animeStyle, bracketsOnly, firstIsGroup) = StripLeadingGroups(name.Trim());
        if (bracketsOnly) return ParseBrackets(s, firstIsGroup);
        s = Clean(s);
        var variety = false;
        if (LeadingDate().Match(s) is { Success: true } leadingDate && leadingDate.Length < s.Length)
            (s, variety) = (s[leadingDate.Length..], true); // "221208 Show ep34": Japanese variety shows, numbered within season 1
        var resolution = FindResolution(s);
        var lastYear = LastYearIndex(s);
        var stop = FirstStopWord(s, 0, s.Length, lastYear);

        int? season = null;
        IReadOnlyList<int> episodes = [];
        IReadOnlyList<int> absolute = [];
        DateOnly? airDate = null;
        var markerStart = -1;
        var titleAfterMarker = false;

        var strong = FindStrong(s);
        if (strong is { Rank: 4 } && AnimeAfterSeason().IsMatch(s.AsSpan(strong.Index + strong.Length)))
        {
            strong = null; // "Title S2 - 07": the S2 belongs to the anime's title, the number is absolute
            animeStyle = true;
        }

        if (strong is not null)
        {
            (season, episodes, markerStart) = (strong.Season, strong.Episodes, strong.Index);
            if (episodes.Count == 0 && EpisodeWord().Match(s, strong.Index + strong.Length) is { Success: true } ew)
                episodes = Range(ew.Groups[1].Value, ew.Groups[2].Value);
            if (DailyDate(s) is { } dateBefore && dateBefore.Index < markerStart) markerStart = dateBefore.Index;
            if (animeStyle)
            {
                if (WeakBefore(s, strong.Index) is { } before)
                    (absolute, markerStart) = ([before.Number], before.Index);
                else if (BareNumber().Match(s, strong.Index + strong.Length) is { Success: true } after && after.Index < stop && !IsYear(after.Groups[1].Value) && after.Groups[1].Length >= 2)
                    absolute = [Number(after.Groups[1])];
            }
        }
        else if (context.MovieOnly)
        {
            // A movie library: only an explicit marker makes an episode; bare numbers are titles ("Room 237", "300").
        }
        else if ((Has(s, "bl") || Has(s, "bö")) && TurkishEpisode().Match(s) is { Success: true } turkish)
        {
            (absolute, markerStart) = ([Number(turkish.Groups[1])], turkish.Index);
        }
        else if (DailyDate(s) is { } daily)
        {
            (airDate, markerStart) = (daily.Date, daily.Index);
        }
        else if (EpisodeWord().Match(s) is { Success: true } word && (word.Index > 0 || word.Length < s.Length))
        {
            (absolute, markerStart) = (Range(word.Groups[1].Value, word.Groups[2].Value), word.Index);
            titleAfterMarker = word.Index == 0;
            if (variety) (season, episodes, absolute) = (1, absolute, []);
        }
        else if (FindWeak(s, animeStyle, context, stop, lastYear) is { } weak)
        {
            markerStart = weak.Index;
            titleAfterMarker = weak.Index == 0;
            if (weak.Season is { } ws) (season, episodes) = (ws, weak.Numbers);
            else absolute = weak.Numbers;
        }

        var hasMarker = markerStart >= 0;
        var limit = hasMarker && !titleAfterMarker ? markerStart : s.Length;
        var (year, yearCut) = FindYear(s, limit, stop);
        if (year is null && hasMarker && !titleAfterMarker && BracketedYear().Match(s, markerStart) is { Success: true } later)
            year = Number(later.Groups[1]); // "Show - Stagione 6 (2016) 720p": the year stands in brackets after the numbering

        string? title;
        if (titleAfterMarker)
        {
            var afterStart = SkipMarker(s);
            if (afterStart == 0 && EpisodeWord().Match(s) is { Success: true, Index: 0 } leadingWord) afterStart = leadingWord.Length;
            var end = Math.Min(FirstStopWord(s, afterStart, s.Length, lastYear), EndOfSegment(s, afterStart));
            title = CleanTitle(s[Math.Min(afterStart, end)..end]);
        }
        else
        {
            var end = Math.Min(limit, Math.Min(stop, yearCut));
            var bracket = s.Length > 1 ? s.IndexOfAny(['(', '[', '{'], 1) : -1;
            if (bracket > 0 && bracket < end && s.AsSpan(0, bracket).Trim().Length > 0) end = bracket;
            title = CleanTitle(s[..end]);
        }

        if (!hasMarker && season is null && Has(s, "special") && SpecialWord().Match(s) is { Success: true } special && special.Index >= Math.Min(stop, yearCut))
            hasMarker = true; // "Downton Abbey 2013 Christmas Special": an episode outside the numbering

        var hasWords = title is not null && title.Any(char.IsLetter) && title.Contains(' ', StringComparison.Ordinal);
        return new Core(title, year, season, episodes, absolute, airDate, resolution, hasMarker || season is not null, animeStyle, hasWords, stop < s.Length);
    }

    /// <summary>Strips "[Group]", "【Group】", "★...★", "(1)" and "www.site.com - " prefixes.</summary>
    private static (string Remainder, bool AnimeStyle, bool BracketsOnly, bool FirstIsGroup) StripLeadingGroups(string s)
    {
        if ((s.StartsWith("www", StringComparison.OrdinalIgnoreCase) || s.StartsWith("[www", StringComparison.OrdinalIgnoreCase)) && Website().Match(s) is { Success: true } site) s = s[site.Length..];
        var animeStyle = false;
        var stripped = false;
        for (var round = 0; round < 5 && s.Length > 0; round++)
        {
            if (s[0] == '★')
            {
                var next = s.IndexOfAny(['★', '[', '【'], 1);
                if (next < 0) break;
                s = s[(s[next] == '★' ? next + 1 : next)..].TrimStart();
                stripped = true;
                if (s.Length > 0 && s[0] is '[' or '【' && !HasLatinOutsideBrackets(s)) return (s, true, true, false);
                continue;
            }
            var close = s[0] switch
            {
                '[' => s.IndexOf(']', StringComparison.Ordinal),
                '【' => s.IndexOf('】', StringComparison.Ordinal),
                '(' => s.IndexOf(')', StringComparison.Ordinal),
                _ => -1,
            };
            if (close < 0) break;
            var inner = s[1..close];
            if (s[0] == '(' && !(inner.Length <= 2 && inner.All(char.IsAsciiDigit) || inner.Length == 4 && IsYear(inner))) break;
            var rest = s[(close + 1)..].TrimStart(' ', '_', '.', '-');
            if (rest.Length == 0) break;
            if (s[0] != '(') animeStyle = true;
            if (rest[0] is '[' or '【' && !HasLatinOutsideBrackets(rest)) return (s, true, true, !stripped);
            s = rest;
            stripped = true;
        }
        return (s, animeStyle, false, false);
    }

    /// <summary>Letters outside bracket groups ahead of the episode group: none means a name of brackets only.</summary>
    private static bool HasLatinOutsideBrackets(string s)
    {
        var depth = 0;
        var letters = 0;
        var groupStart = -1;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is '[' or '【') { if (depth++ == 0) groupStart = i + 1; }
            else if (c is ']' or '】')
            {
                depth = Math.Max(0, depth - 1);
                if (depth == 0 && groupStart >= 0 && BracketEpisode().IsMatch(s.AsSpan(groupStart, i - groupStart).Trim())) break;
            }
            else if (depth == 0 && char.IsAsciiLetter(c)) letters++;
        }
        return letters >= 3;
    }

    /// <summary>Names made only of bracket groups, common for fansub releases: "[Group][Title][05][1080p]".</summary>
    private static Core ParseBrackets(string s, bool firstIsGroup)
    {
        var groups = BracketGroup().Matches(s).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToList();
        string? title = null;
        IReadOnlyList<int> absolute = [];
        var first = firstIsGroup ? 1 : 0;
        for (var i = first; i < groups.Count; i++)
        {
            var number = BracketEpisode().Match(groups[i].Trim());
            if (!number.Success || IsYear(number.Groups[1].Value)) continue;
            absolute = Range(number.Groups[1].Value, number.Groups[2].Value);
            var candidates = groups[first..i].Where(g => !SeasonTag().IsMatch(g.Trim())).ToList();
            var chosen = candidates.FirstOrDefault(HasLatin) ?? candidates.LastOrDefault();
            if (chosen is not null) title = BracketTitle(chosen);
            break;
        }
        var resolution = FindResolution(Clean(string.Join(' ', groups)));
        return new Core(title, null, null, [], absolute, null, resolution, absolute.Count > 0, true, title is not null);
    }

    private static string? BracketTitle(string group)
    {
        var pieces = group.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var piece = pieces.LastOrDefault(HasLatin) ?? pieces.LastOrDefault() ?? group;
        var underscore = piece.LastIndexOf('_');
        if (piece.Contains(" _ ", StringComparison.Ordinal)) piece = piece[(piece.LastIndexOf(" _ ", StringComparison.Ordinal) + 3)..];
        else if (HasLatin(piece) && underscore > 0 && !HasLatin(piece[..underscore])) piece = piece[(underscore + 1)..];
        return CleanTitle(Clean(piece));
    }

    private static bool Has(string s, string part) => s.Contains(part, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="s"/> starts with <paramref name="prefix"/>, comparing letters and digits only.</summary>
    private static bool StartsLike(string s, string prefix)
    {
        int i = 0, j = 0;
        while (j < prefix.Length)
        {
            if (!char.IsLetterOrDigit(prefix[j])) { j++; continue; }
            while (i < s.Length && !char.IsLetterOrDigit(s[i])) i++;
            if (i >= s.Length || char.ToLowerInvariant(s[i]) != char.ToLowerInvariant(prefix[j])) return false;
            i++;
            j++;
        }
        return true;
    }

    private static bool HasLatin(string text) => text.Any(char.IsAsciiLetter);

    private static string Clean(string s)
    {
        var builder = new StringBuilder(s.Length);
        var lastSpace = true;
        foreach (var c in s)
        {
            if (c is '.' or '_' or ' ' or '\t')
            {
                if (!lastSpace) builder.Append(' ');
                lastSpace = true;
                continue;
            }
            builder.Append(c);
            lastSpace = false;
        }
        return builder.ToString().TrimEnd();
    }

    private sealed record Strong(int Index, int Length, int? Season, IReadOnlyList<int> Episodes, int Rank);

    private static Strong? FindStrong(string s)
    {
        Strong? best = null;
        var earliest = int.MaxValue;

        if (SeasonEpisode().Match(s) is { Success: true } se)
        {
            var season = Number(se.Groups[1]);
            var (episodes, end) = Continue(s, Number(se.Groups[2]), se.Index + se.Length, season);
            Consider(new Strong(se.Index, end - se.Index, season, episodes, 0));
        }
        foreach (Match x in s.AsSpan().IndexOfAny('x', 'X') < 0 ? (IEnumerable<Match>)[] : CrossFormat().Matches(s))
        {
            var season = Number(x.Groups[1]);
            if (season > 100 && !IsYear(x.Groups[1].Value) || season is 1920 or 1440 or 1280 or 1024) continue;
            var (episodes, end) = Continue(s, Number(x.Groups[2]), x.Index + x.Length, season);
            Consider(new Strong(x.Index, end - x.Index, season, episodes, 1));
            break;
        }
        if (Has(s, "cap") && Capitulo().Match(s) is { Success: true } cap)
        {
            var digits = cap.Groups[1].Value;
            var season = int.Parse(digits[..^2], Invariant);
            IReadOnlyList<int> episodes = [int.Parse(digits[^2..], Invariant)];
            if (cap.Groups[2].Success && cap.Groups[2].Value[..^2] == digits[..^2])
                episodes = Range(digits[^2..], cap.Groups[2].Value[^2..]);
            Consider(new Strong(cap.Index, cap.Length, season, episodes, 1));
        }
        if (SeasonWords().Match(s) is { Success: true } words)
        {
            IReadOnlyList<int> episodes = words.Groups[2].Success ? Range(words.Groups[2].Value, words.Groups[3].Value) : [];
            Consider(new Strong(words.Index, words.Length, Number(words.Groups[1]), episodes, episodes.Count > 0 ? 1 : 3));
        }
        if (SeasonOnly().Match(s) is { Success: true } so)
            Consider(new Strong(so.Index, so.Length, Number(so.Groups[1]), [], 4));
        return best is null ? null : best with { Index = Math.Min(best.Index, earliest) };

        void Consider(Strong candidate)
        {
            if (candidate.Rank <= 3) earliest = Math.Min(earliest, candidate.Index);
            if (best is null || candidate.Rank < best.Rank) best = candidate;
        }
    }

    private static readonly IFormatProvider Invariant = System.Globalization.CultureInfo.InvariantCulture;

    private static int Number(Group group) => int.Parse(group.Value, Invariant);

    /// <summary>Reads "E02", "-03", "-E03", "E02E03", " S01E04", "x04", "+02", " & S01E02" after a first episode.</summary>
    private static (IReadOnlyList<int> Episodes, int End) Continue(string s, int first, int position, int season)
    {
        var episodes = new List<int> { first };
        while (position < s.Length)
        {
            var m = Continuation().Match(s, position);
            if (!m.Success) break;
            if (m.Groups["season"].Success && Number(m.Groups["season"]) != season) break;
            var next = Number(m.Groups["episode"]);
            var last = episodes[^1];
            if (m.Groups["list"].Success && next != last) episodes.Add(next);
            else if (next > last && next - last <= MaxEpisodesInRange)
                for (var e = last + 1; e <= next; e++) episodes.Add(e);
            else if (next != last) break;
            position = m.Index + m.Length;
        }
        return (episodes, position);
    }

    private static List<int> Range(string first, string? last)
    {
        var from = int.Parse(first, Invariant);
        if (string.IsNullOrEmpty(last)) return [from];
        var to = int.Parse(last, Invariant);
        if (to <= from || to - from > MaxEpisodesInRange) return [from];
        return Enumerable.Range(from, to - from + 1).ToList();
    }

    private readonly record struct Weak(int Index, int? Season, IReadOnlyList<int> Numbers);

    private static Weak? FindWeak(string s, bool animeStyle, Context context, int stop, int lastYear)
    {
        if (LeadingNumber().Match(s) is { Success: true } leading && !IsYear(leading.Groups[1].Value) && lastYear < 0 &&
            !(animeStyle && DashNumber().Match(s) is { Success: true } nextDash && nextDash.Index <= leading.Length) &&
            (leading.Groups[1].Length >= 2 || context.InFolder || leading.Groups[3].Value.Contains('-', StringComparison.Ordinal) || leading.Length >= s.Length))
        {
            var first = leading.Groups[1].Value;
            var second = leading.Groups[2].Value;
            if (first.Length <= 2 && second.Length == 2 && first[0] != '0' && !animeStyle) // "4-12 - Title", "11-02 Title"
                return new Weak(0, int.Parse(first, Invariant), [int.Parse(second, Invariant)]);
            return new Weak(0, null, Range(first, second));
        }
        var titledFolder = context.Parent is { } parent && StartsLike(s, parent);
        Weak? dashFound = null;
        foreach (Match dash in DashNumber().Matches(s))
        {
            if (dash.Index >= stop) break;
            var first = dash.Groups[1].Value;
            if (IsYear(first) || first.Length == 1 && lastYear > dash.Index) continue;
            var follower = dash.Index + dash.Length;
            if (first[0] != '0' && !FollowerEndsNumber(s, follower, stop)) continue;
            dashFound = new Weak(dash.Index, null, DashList(first, dash.Groups[2].Value));
            break;
        }
        if (animeStyle && dashFound is null && GluedDash().Match(s) is { Success: true } glued && glued.Index < stop)
            dashFound = new Weak(glued.Index, null, [Number(glued.Groups[1])]);
        foreach (Match bare in BareNumber().Matches(s))
        {
            if (dashFound is { } d && (bare.Index > d.Index || animeStyle && !bare.Groups[2].Success)) break;
            if (bare.Index >= stop) break;
            if (bare.Index == 0 || Depth(s, bare.Index) > 0) continue;
            var text = bare.Groups[1].Value;
            if (IsYear(text)) continue;
            var afterYear = lastYear >= 0 && lastYear < bare.Index;
            if (bare.Groups[2].Success && !afterYear) return new Weak(bare.Index, null, Range(text, bare.Groups[2].Value));
            if (text.Length < 2) continue;
            // "Room 237 (2012)", "The 400 Blows 1959": a number with the year after it belongs to the title.
            var compact = !animeStyle && !titledFolder && !context.InSeasonFolder && !(lastYear > bare.Index);
            if (text.Length == 3 && text[0] != '0' && compact)
                return new Weak(bare.Index, text[0] - '0', [int.Parse(text[1..], Invariant)]);
            if (text.Length == 4 && compact && int.Parse(text[..2], Invariant) <= 40 && text is not ("1080" or "2160"))
                return new Weak(bare.Index, int.Parse(text[..2], Invariant), [int.Parse(text[2..], Invariant)]);
            if (afterYear || lastYear > bare.Index && (text.Length < 3 || !animeStyle)) continue;
            if (dashFound is null) return new Weak(bare.Index, null, [int.Parse(text, Invariant)]);
        }
        if (dashFound is not null) return dashFound;
        foreach (Match bracket in BracketNumber().Matches(s))
        {
            if (bracket.Index >= stop) break;
            if (bracket.Index == 0 || IsYear(bracket.Groups[1].Value)) continue;
            return new Weak(bracket.Index, null, Range(bracket.Groups[1].Value, bracket.Groups[2].Value));
        }
        return null;
    }

    /// <summary>"Title - 100 Years Quest": a number followed by words is part of the title unless zero-padded.</summary>
    private static bool FollowerEndsNumber(string s, int position, int stop)
    {
        var rest = s.AsSpan(position).TrimStart();
        return rest.Length == 0 || rest[0] is '[' or '(' or '-' or '{' || position >= stop || s.Length - position <= 1 ||
               position + (s.Length - position - rest.Length) >= stop;
    }

    private static List<int> DashList(string first, string rest)
    {
        var numbers = new List<int> { int.Parse(first, Invariant) };
        foreach (Match m in Digits().Matches(rest)) numbers.Add(int.Parse(m.Value, Invariant));
        if (numbers.Count == 2) return Range(first, numbers[1].ToString(Invariant));
        return numbers;
    }

    /// <summary>An absolute number ahead of a season marker in anime names: "Show 214 10x14", "Show - 05 - S01E05".</summary>
    private static (int Index, int Number)? WeakBefore(string s, int end)
    {
        (int, int)? found = null;
        foreach (Match dash in DashNumber().Matches(s[..end]))
            if (dash.Index > 0 && !IsYear(dash.Groups[1].Value)) return (dash.Index, Number(dash.Groups[1]));
        foreach (Match bare in BareNumber().Matches(s[..end]))
            if (bare.Index > 0 && !IsYear(bare.Groups[1].Value) && bare.Groups[1].Length >= 3) found = (bare.Index, Number(bare.Groups[1]));
        return found;
    }

    private static int LastYearIndex(string s)
    {
        var last = -1;
        foreach (Match m in YearToken().Matches(s))
            if (m.Index > 0 && !StartsDate(s, m.Index)) last = m.Index;
        return last;
    }

    private static bool StartsDate(string s, int index) => DatePattern().Match(s, index) is { Success: true } d && d.Index == index;

    private static int Depth(string s, int index)
    {
        var depth = 0;
        for (var i = 0; i < index; i++)
        {
            if (s[i] is '[' or '(' or '{' or '【') depth++;
            else if (s[i] is ']' or ')' or '}' or '】' && depth > 0) depth--;
        }
        return depth;
    }

    private static (DateOnly Date, int Index)? DailyDate(string s)
    {
        foreach (Match m in DatePattern().Matches(s))
        {
            int year, a, b;
            if (m.Groups["y1"].Success) (year, a, b) = (Number(m.Groups["y1"]), Number(m.Groups["m1"]), Number(m.Groups["d1"]));
            else (year, a, b) = (Number(m.Groups["y2"]), Number(m.Groups["a2"]), Number(m.Groups["b2"]));
            if (ValidDate(year, a, b) is { } date || ValidDate(year, b, a) is { } swapped && (date = swapped) == swapped)
                return (date, m.Index);
        }
        if ((Has(s, "st ") || Has(s, "nd ") || Has(s, "rd ") || Has(s, "th ")) && OrdinalDate().Match(s) is { Success: true } o &&
            ValidDate(Number(o.Groups[3]), MonthNumber(o.Groups[2].Value), Number(o.Groups[1])) is { } spoken)
            return (spoken, o.Index);
        if (CompactDate().Match(s) is { Success: true } c && c.Index > 0 &&
            ValidDate(2000 + Number(c.Groups[1]), Number(c.Groups[2]), Number(c.Groups[3])) is { } compact)
            return (compact, c.Index);
        return null;
    }

    private static int MonthNumber(string name) =>
        Array.FindIndex(Months, m => name.StartsWith(m, StringComparison.OrdinalIgnoreCase)) + 1;

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static DateOnly? ValidDate(int year, int month, int day) =>
        month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;

    private static bool IsYear(string digits) =>
        digits.Length == 4 && (digits.StartsWith("19", StringComparison.Ordinal) || digits.StartsWith("20", StringComparison.Ordinal) || digits.StartsWith("18", StringComparison.Ordinal));

    /// <summary>The release year: a bracketed year wins; never the title's first word ("2001 A Space Odyssey").</summary>
    private static (int? Year, int Cut) FindYear(string s, int limit, int stop)
    {
        Match? lastBracketed = null, lastBeforeStop = null, last = null;
        foreach (Match m in YearToken().Matches(s))
        {
            if (m.Index >= limit) break;
            if (s.AsSpan(0, m.Index).Trim(" -([{").Length == 0 || StartsDate(s, m.Index)) continue;
            var bracketed = s[m.Index - 1] is '(' or '[' || m.Index + 4 < s.Length && s[m.Index + 4] is ')' or ']';
            if (bracketed) lastBracketed = m;
            if (m.Index <= stop + 1) lastBeforeStop = m;
            last = m;
        }
        var chosen = lastBracketed ?? lastBeforeStop ?? last;
        if (chosen is null) return (null, s.Length);
        var cut = chosen.Index;
        var open = s.LastIndexOfAny(['(', '['], Math.Max(0, cut - 1));
        if (open > 0 && s.IndexOfAny([')', ']'], open) is var close && (close < 0 || close >= cut)) cut = open;
        return (Number(chosen.Groups[1]), cut);
    }

    /// <summary>
    /// Where the release tags start. Technical words (1080p, BluRay, x264) always end a title; language and edition
    /// words end it only when written as tags (GERMAN, LiMiTED) or when no year follows ("The Good German 2006").
    /// </summary>
    private static int FirstStopWord(string s, int start, int limit, int lastYear)
    {
        var i = start;
        while (i < limit)
        {
            while (i < limit && IsSeparator(s[i])) i++;
            var j = i;
            while (j < s.Length && !IsSeparator(s[j]) && s[j] != '-') j++;
            if (j > i && i > 0 && IsStop(s, i, j, lastYear)) return i;
            if (j < s.Length && s[j] == '-' && j > i && i > 0)
            {
                var k = j + 1;
                while (k < s.Length && !IsSeparator(s[k]) && s[k] != '-') k++;
                if (IsStop(s, i, k, lastYear)) return i;
            }
            i = j + 1;
        }
        return limit;
    }

    private static bool IsStop(string s, int from, int to, int lastYear)
    {
        var word = s.AsSpan(from, to - from);
        var lookup = TechnicalLookup;
        if (lookup.Contains(word)) return true;
        if (!SoftLookup.Contains(word)) return false;
        var restLower = true;
        foreach (var c in word[1..]) if (char.IsLetter(c) && !char.IsLower(c)) restLower = false;
        var titleCase = char.IsUpper(word[0]) && restLower;
        var lower = !char.IsUpper(word[0]) && restLower;
        if ((!titleCase && !lower) || lastYear < from) return true;
        var next = to;
        while (next < s.Length && IsSeparator(s[next])) next++;
        var end = next;
        while (end < s.Length && !IsSeparator(s[end]) && s[end] != '-') end++;
        return end > next && lookup.Contains(s.AsSpan(next, end - next)); // "German Bluray"
    }

    private static bool IsSeparator(char c) => c is ' ' or '[' or ']' or '(' or ')' or '{' or '}' or ',' or '+' or '【' or '】';

    private static int SkipMarker(string s)
    {
        var m = LeadingNumber().Match(s);
        return m.Success ? m.Length : 0;
    }

    private static int EndOfSegment(string s, int start)
    {
        var dash = s.IndexOf(" - ", start, StringComparison.Ordinal);
        var bracket = s.IndexOfAny(['[', '('], start);
        var end = s.Length;
        if (dash >= 0) end = Math.Min(end, dash);
        if (bracket >= 0) end = Math.Min(end, bracket);
        return end;
    }

    private static string? CleanTitle(string raw)
    {
        var title = raw;
        if (title.AsSpan().IndexOfAny("/·|") >= 0)
        {
            var parts = title.Split(['/', '·', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            title = parts.LastOrDefault(HasLatin) ?? parts.LastOrDefault() ?? "";
        }
        title = title.Trim(' ', '-', '_', '.', '[', '(', ',', ':', '~', '{', '|', '"', '=');
        for (var round = 0; round < 3; round++)
        {
            var trimmed = title;
            if (trimmed.EndsWith("ep", StringComparison.OrdinalIgnoreCase) || trimmed.EndsWith("episode", StringComparison.OrdinalIgnoreCase))
                trimmed = TrailingNoise().Replace(trimmed, "");
            if (trimmed.Length > 3 && char.IsUpper(trimmed[^1]) || trimmed.EndsWith(')'))
                trimmed = TrailingCountry().Replace(trimmed, "");
            if (trimmed.Length == 0 || trimmed == title) break;
            title = trimmed.Trim(' ', '-', '_', '.', ',', ':', '~');
        }
        if (title.Length == 0) return null;
        if (!Ascii.IsValid(title) && HasLatin(title))
        {
            if (LeadingCjk().Match(title) is { Success: true } cjk && cjk.Length < title.Length) title = title[cjk.Length..];
            if (TrailingCjk().Match(title) is { Success: true, Index: > 0 } tail) title = title[..tail.Index];
        }
        if (title.Contains("S0", StringComparison.Ordinal)) title = ShortSeason().Replace(title, "S$1");
        var comma = title.LastIndexOf(", ", StringComparison.Ordinal);
        if (comma > 0 && ArticleSuffixes.Contains(title[(comma + 2)..].Trim())) title = $"{title[(comma + 2)..].Trim()} {title[..comma]}";
        else title = title.TrimEnd(',');
        return JoinAcronyms(title);
    }

    /// <summary>"S H I E L D" (dots turned to spaces) back to "S.H.I.E.L.D.".</summary>
    private static string JoinAcronyms(string title)
    {
        var words = title.Split(' ');
        if (words.Count(w => w.Length == 1 && char.IsLetter(w[0])) < 2) return title;
        var builder = new StringBuilder(title.Length);
        for (var i = 0; i < words.Length; i++)
        {
            var single = words[i].Length == 1 && char.IsLetter(words[i][0]);
            var run = single && i + 1 < words.Length && words[i + 1].Length == 1 && char.IsLetter(words[i + 1][0]);
            if (run)
            {
                var start = i;
                while (i < words.Length && words[i].Length == 1 && char.IsLetter(words[i][0])) i++;
                if (builder.Length > 0) builder.Append(' ');
                builder.Append(string.Join('.', words[start..i])).Append('.');
                i--;
                continue;
            }
            if (builder.Length > 0) builder.Append(' ');
            builder.Append(words[i]);
        }
        return builder.ToString();
    }

    private static string? FindResolution(string s)
    {
        if (ResolutionToken().Match(s) is not { Success: true } r) return null;
        if (r.Groups["p"].Success)
        {
            var value = r.Groups["p"].Value.ToLowerInvariant();
            return value is "4k" or "uhd" ? "2160p" : value;
        }
        return Number(r.Groups["h"]) switch { >= 2000 => "2160p", >= 1000 => "1080p", >= 700 => "720p", >= 560 => "576p", _ => "480p" };
    }

    [GeneratedRegex(@"(?<![a-z0-9])s([0-9]{1,4})(?:\s?\(?(?:-\s?)?(?:x\s?e?|ep?\s?|episode\s)|\s(?=[0-9]{2}(?![0-9a-z])))([0-9]{1,5})(?![0-9])", Options)]
    private static partial Regex SeasonEpisode();

    [GeneratedRegex(@"\G(?:-(?:e|ep|x)?(?=[0-9]{2})|\s?-\s?(?:e|ep|x)|(?<list>\s?[&+]\s?(?:e|ep)?|\s?(?:e|ep)|x(?=[0-9]{1,2}(?![0-9])))|(?<list>\s?(?:[-&+]|and)?\s?(?:s(?<season>[0-9]{1,4})\s?(?:e|ep|x)|(?<season>[0-9]{1,4})x)))(?<episode>[0-9]{1,5})(?![0-9]|p\b|i\b|[a-df-wyz])", Options)]
    private static partial Regex Continuation();

    [GeneratedRegex(@"(?<![a-z0-9])([0-9]{1,4})x([0-9]{1,3})(?![0-9])", Options)]
    private static partial Regex CrossFormat();

    [GeneratedRegex(@"(?<![a-z])cap\s?([0-9]{3,4})(?:\s([0-9]{3,4}))?(?![0-9])", Options)]
    private static partial Regex Capitulo();

    [GeneratedRegex(@"(?<![a-z])(?:seasons?|saison|temporada|temp|tem|stagione|staffel|seizoen)\s?([0-9]{1,4})(?:\s?(?:-\s?)?(?:episode|episodio|ep|e|cap)\s?([0-9]{1,4})(?:\s?-\s?([0-9]{1,4}))?)?(?![0-9])", Options)]
    private static partial Regex SeasonWords();

    [GeneratedRegex(@"(?<![a-z0-9])s([0-9]{1,2})(?![0-9]|\s?e[0-9]|\s?x[0-9])", Options)]
    private static partial Regex SeasonOnly();

    [GeneratedRegex(@"^\s?(?:-\s+(?:ep\s?|episode\s)?[0-9]|\[[0-9]|[0-9]{2,4}(?![0-9a-z]))", Options)]
    private static partial Regex AnimeAfterSeason();

    [GeneratedRegex(@"(?<![a-z0-9])(?:(?:episode|episodio|épisode|ep)\s?(?:-\s?)?|e|#|第(?=[0-9]+[话話集]))([0-9]{1,4})(?:v[0-9])?(?:[话話集])?(?![0-9a-z])(?:(?:-(?:e|ep)?|\s?-\s?(?:e|ep))([0-9]{1,4})(?![0-9a-z]))?", Options)]
    private static partial Regex EpisodeWord();

    [GeneratedRegex(@"(?<![0-9])([0-9]{1,4})\s?(?:blm|bolum|bölüm)(?![a-z])", Options)]
    private static partial Regex TurkishEpisode();

    [GeneratedRegex(@"(?<=\s|^)-\s([0-9]{1,4})(?:v[0-9])?((?:\s?[-~]\s?[0-9]{1,4}(?:v[0-9])?)*)(?=$|\s|\[|\()", Options)]
    private static partial Regex DashNumber();

    [GeneratedRegex(@"[\[【({](?:第)?([0-9]{1,4})(?:v[0-9])?(?:[话話集]|end|完)?(?:\s?[-~]\s?([0-9]{1,4}))?[\]】)}]", Options)]
    private static partial Regex BracketNumber();

    [GeneratedRegex(@"^([0-9]{1,4})(?:v[0-9])?(?:-([0-9]{1,4}))?(\s?-\s?|\s?$|\s)", Options)]
    private static partial Regex LeadingNumber();

    [GeneratedRegex(@"(?<=\s|^)([0-9]{1,4})(?:v[0-9])?(?:(?:-|~|\s~\s|(?<=\s0[0-9]+)\s-\s)([0-9]{1,4}))?(?=$|\s|\[|\()", Options)]
    private static partial Regex BareNumber();

    [GeneratedRegex(@"[0-9]+", Options)]
    private static partial Regex Digits();

    [GeneratedRegex(@"(?<![0-9])(?:(?<y1>(?:19|20)[0-9]{2})[\s\-_.](?<m1>[0-9]{2})[\s\-_.](?<d1>[0-9]{2})|(?<a2>[0-9]{2})[\s\-_.](?<b2>[0-9]{2})[\s\-_.](?<y2>(?:19|20)[0-9]{2})|(?<y1>(?:19|20)[0-9]{2})(?<m1>[0-9]{2})(?<d1>[0-9]{2}))(?![0-9])", Options)]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"(?<![0-9a-z])([0-9]{1,2})(?:st|nd|rd|th)\s(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s((?:19|20)[0-9]{2})(?![0-9])", Options)]
    private static partial Regex OrdinalDate();

    [GeneratedRegex(@"(?<=\s)([0-9]{2})([0-9]{2})([0-9]{2})(?=\s|$)", Options)]
    private static partial Regex CompactDate();

    [GeneratedRegex(@"^[0-9]{6}\s(?=\S)", Options)]
    private static partial Regex LeadingDate();

    [GeneratedRegex(@"(?<![0-9a-z])((?:18|19|20)[0-9]{2})(?![0-9a-z])", Options)]
    private static partial Regex YearToken();

    [GeneratedRegex(@"\(((?:19|20)[0-9]{2})\)", Options)]
    private static partial Regex BracketedYear();

    [GeneratedRegex(@"(?<![0-9a-z])(?:(?<p>[0-9]{3,4}[pi]|4k|uhd)|[0-9]{3,4}[x*](?<h>[0-9]{3,4}))(?![0-9a-z])", Options)]
    private static partial Regex ResolutionToken();

    [GeneratedRegex(@"\[([^\]]*)\]|【([^】]*)】", Options)]
    private static partial Regex BracketGroup();

    [GeneratedRegex(@"^(?:第)?([0-9]{1,4})(?:v[0-9])?(?:\s?[-~]\s?([0-9]{1,4}))?\s?(?:[话話集]|end|完|fin)?$", Options)]
    private static partial Regex BracketEpisode();

    [GeneratedRegex(@"^[0-9]{1,2}月|新番|^s[0-9]+$|^season|^[0-9]{4}$", Options)]
    private static partial Regex SeasonTag();

    [GeneratedRegex(@"\s(?:ep|episode)$", Options)]
    private static partial Regex TrailingNoise();

    [GeneratedRegex(@"\s\(?(?:US|UK|AU|NZ)\)?$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingCountry();

    [GeneratedRegex(@"\s[\p{IsCJKUnifiedIdeographs}\p{IsHiragana}\p{IsKatakana}\p{IsCJKSymbolsandPunctuation}\p{IsHalfwidthandFullwidthForms}]+$", Options)]
    private static partial Regex TrailingCjk();

    [GeneratedRegex(@"(?<=[a-z])-([0-9]{2,4})(?=\[|\(|$)", Options)]
    private static partial Regex GluedDash();

    [GeneratedRegex(@"^[\p{IsCJKUnifiedIdeographs}\p{IsHiragana}\p{IsKatakana}\p{IsCJKSymbolsandPunctuation}\p{IsHalfwidthandFullwidthForms}]+\s", Options)]
    private static partial Regex LeadingCjk();

    [GeneratedRegex(@"(?<![a-z0-9])S0([0-9])(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex ShortSeason();

    [GeneratedRegex(@"(?<![a-z])special(?![a-z])(?!\s(?:edition|features?))", Options)]
    private static partial Regex SpecialWord();

    [GeneratedRegex(@"^\[?www\.[^\s\]]+\.[a-z]{2,4}\]?\s*-?\s*", Options)]
    private static partial Regex Website();

    [GeneratedRegex(@"[\[\{\(]?\s*tmdb(?:id)?\s*[-=:]\s*([0-9]{1,9})\s*[\]\}\)]?", Options)]
    private static partial Regex TmdbTag();

    [GeneratedRegex(@"[\[\{\(]?\s*imdb(?:id)?\s*[-=:]\s*(tt[0-9]{5,10})\s*[\]\}\)]?", Options)]
    private static partial Regex ImdbTag();

    [GeneratedRegex(@"[\[\{\(]?\s*tvdb(?:id)?\s*[-=:]\s*([0-9]{1,9})\s*[\]\}\)]?", Options)]
    private static partial Regex OtherIdTag();

    [GeneratedRegex(@"(?<![a-z])sample(?![a-z])", Options)]
    private static partial Regex SampleWord();

    [GeneratedRegex(@"^(?:season|saison|temporada|stagione|staffel|seizoen|series|s)[\s._-]*([0-9]{1,4})(?![0-9])", Options)]
    private static partial Regex SeasonFolderPattern();
}
