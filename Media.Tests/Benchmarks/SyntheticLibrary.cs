using Media.Tests.Support;

namespace Media.Tests.Benchmarks;

/// <summary>
/// A generated library on disk, in sparse files (a 100,000-file library costs no real space): movies in tidy, scene
/// and ID-tagged names; long-running series in season folders; extras, samples, subtitles, .nfo files and titles
/// TMDB does not know. The fake TMDB gets a catalogue to match. Everything derives from the file's index, so nothing
/// needs to be held in memory.
/// </summary>
public sealed class SyntheticLibrary
{
    public const int SeasonsPerShow = 10;
    public const int EpisodesPerSeason = 24;

    private static readonly string[] First =
    [
        "Amber", "Silent", "Crimson", "Hidden", "Broken", "Golden", "Frozen", "Savage", "Distant", "Hollow", "Iron",
        "Lonely", "Midnight", "Northern", "Pale", "Quiet", "Rapid", "Scarlet", "Tender", "Velvet", "Wicked", "Young",
        "Ancient", "Bitter", "Cosmic", "Electric", "Fallen", "Gentle", "Heavy", "Infinite",
    ];

    private static readonly string[] Second =
    [
        "Harbor", "Falcon", "Valley", "Empire", "Garden", "Horizon", "Island", "Journey", "Kingdom", "Lantern", "Meadow",
        "Mirror", "Ocean", "Palace", "Quarry", "River", "Shadow", "Tower", "Union", "Voyage", "Winter", "Canyon",
        "Desert", "Forest", "Glacier", "Highway", "Jungle", "Summit", "Thunder", "Orchard",
    ];

    private static readonly string[] Third =
    [
        "Rising", "Falling", "Returns", "Forever", "Protocol", "Legacy", "Awakening", "Reckoning", "Chronicles",
        "Dreams", "Secrets", "Stories", "Promise", "Signal", "Code", "Affair", "Letters", "Games", "Nights", "Days",
    ];

    public SyntheticLibrary(string root, int files)
    {
        Root = root;
        Files = files;
        MovieFiles = files * 40 / 100;
        var episodes = files * 55 / 100;
        Shows = Math.Max(1, episodes / (SeasonsPerShow * EpisodesPerSeason));
        EpisodeFiles = Shows * SeasonsPerShow * EpisodesPerSeason;
        JunkFiles = files - MovieFiles - EpisodeFiles;
    }

    public string Root { get; }
    public int Files { get; }
    public int MovieFiles { get; }
    public int EpisodeFiles { get; }
    public int Shows { get; }
    public int JunkFiles { get; }

    public string MoviesRoot => Path.Combine(Root, "movies");
    public string ShowsRoot => Path.Combine(Root, "shows");

    /// <summary>Titles TMDB knows are distinct; the unknown ones take a word TMDB has never heard of.</summary>
    public static string Title(int i) =>
        $"{First[i % First.Length]} {Second[i / First.Length % Second.Length]} {Third[i / (First.Length * Second.Length) % Third.Length]}" +
        (i >= First.Length * Second.Length * Third.Length ? $" {Roman(i / (First.Length * Second.Length * Third.Length) + 1)}" : "");

    private static string Roman(int n) => n switch { 2 => "II", 3 => "III", 4 => "IV", 5 => "V", 6 => "VI", 7 => "VII", 8 => "VIII", 9 => "IX", _ => "X" };

    public static int MovieYear(int i) => 1950 + i % 70;

    public static int MovieTmdbId(int i) => 2_000_000 + i;

    public static int ShowTmdbId(int s) => 3_000_000 + s;

    /// <summary>The relative path of movie <paramref name="i"/>: a third tidy, a third scene, a third tagged.</summary>
    public static string MoviePath(int i)
    {
        var title = Title(i);
        var year = MovieYear(i);
        var dotted = title.Replace(' ', '.');
        return (i % 3) switch
        {
            0 => $"{title} ({year})/{title} ({year}).mkv",
            1 => $"{dotted}.{year}.1080p.BluRay.x264-GRP/{dotted.ToLowerInvariant()}.{year}.1080p.bluray.x264-grp.mkv",
            _ => $"{title} ({year}) {{tmdb-{MovieTmdbId(i)}}}/{title} ({year}) - 2160p.mkv",
        };
    }

    public static string ShowTitle(int s) => Title(50_000 + s);

    public static string EpisodePath(int s, int season, int episode)
    {
        var title = ShowTitle(s);
        return s % 2 == 0
            ? $"{title} (2010)/Season {season:00}/{title.Replace(' ', '.')}.S{season:00}E{episode:00}.1080p.WEB.h264-GRP.mkv"
            : $"{title} (2010)/Season {season}/{title} - S{season:00}E{episode:00} - Episode {episode}.mkv";
    }

    /// <summary>Every video file the library should end up knowing, by index: movies, then episodes.</summary>
    public IEnumerable<(string Root, string Path)> MediaPaths()
    {
        for (var i = 0; i < MovieFiles; i++) yield return (MoviesRoot, MoviePath(i));
        for (var s = 0; s < Shows; s++)
            for (var season = 1; season <= SeasonsPerShow; season++)
                for (var episode = 1; episode <= EpisodesPerSeason; episode++)
                    yield return (ShowsRoot, EpisodePath(s, season, episode));
    }

    /// <summary>Junk that is not media (extras, samples, subtitles, .nfo) and videos TMDB does not know.</summary>
    public IEnumerable<(string Root, string Path)> JunkPaths()
    {
        for (var j = 0; j < JunkFiles; j++)
        {
            var movie = MoviePath(j % Math.Max(1, MovieFiles));
            var folder = movie[..movie.IndexOf('/', StringComparison.Ordinal)];
            yield return (j % 5) switch
            {
                0 => (MoviesRoot, $"{folder}/Featurettes/Making of {j}.mkv"),
                1 => (MoviesRoot, $"{folder}/{folder}-sample.mkv".Replace("-sample.mkv", $"-{j}-sample.mkv", StringComparison.Ordinal)),
                2 => (MoviesRoot, $"{folder}/{folder}.{j}.en.srt"),
                3 => (MoviesRoot, $"{folder}/movie.{j}.nfo"),
                _ => (MoviesRoot, $"Zzyzx Unknowable {j} (2001)/Zzyzx.Unknowable.{j}.2001.mkv"),
            };
        }
    }

    public int UnknownVideos => Enumerable.Range(0, JunkFiles).Count(j => j % 5 == 4);

    /// <summary>Creates the tree: sparse files of a few hundred megabytes each, which take no blocks.</summary>
    public void Create()
    {
        foreach (var (root, path) in MediaPaths().Concat(JunkPaths()))
        {
            var full = System.IO.Path.Combine(root, path);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            using var file = File.Create(full);
            file.SetLength(path.EndsWith(".mkv", StringComparison.Ordinal) ? 700L * 1024 * 1024 + path.Length : 2048);
        }
    }

    public void Catalogue(FakeTmdb tmdb)
    {
        for (var i = 0; i < MovieFiles; i++) tmdb.Add(new FakeMovie(MovieTmdbId(i), Title(i), $"{MovieYear(i)}-06-01"));
        var seasons = new Dictionary<int, FakeEpisode[]>();
        for (var season = 1; season <= SeasonsPerShow; season++)
            seasons[season] = [.. Enumerable.Range(1, EpisodesPerSeason).Select(e => new FakeEpisode(e, $"Episode {e}"))];
        for (var s = 0; s < Shows; s++) tmdb.Add(new FakeSeries(ShowTmdbId(s), ShowTitle(s), "2010-01-01", seasons));
    }
}
