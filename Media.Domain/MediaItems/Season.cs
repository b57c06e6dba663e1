using Media.Domain.Common;

namespace Media.Domain.MediaItems;

/// <summary>A season of a series; season 0 holds the specials.</summary>
public sealed class Season
{
    private readonly List<Episode> _episodes = [];

    private Season() { } // for EF

    public SeasonId Id { get; private set; }
    public MediaItemId MediaItemId { get; private set; }
    public int Number { get; private set; }
    public string? Name { get; private set; }
    public IReadOnlyCollection<Episode> Episodes => _episodes;

    internal static Season Create(MediaItemId item, int number, string? name) => new()
    {
        Id = SeasonId.New(), MediaItemId = item,
        Number = number >= 0 ? number : throw new ArgumentOutOfRangeException(nameof(number)),
        Name = Clean(name),
    };

    internal void Rename(string? name)
    {
        if (Clean(name) is { } clean) Name = clean;
    }

    /// <summary>Returns the episode with that number, adding it when it is new; a known episode takes the new details.</summary>
    public Episode EnsureEpisode(int number, string? title = null, DateOnly? airDate = null)
    {
        if (_episodes.FirstOrDefault(e => e.Number == number) is { } existing)
        {
            existing.UpdateDetails(title, airDate);
            return existing;
        }
        var episode = Episode.Create(Id, number, title, airDate);
        _episodes.Add(episode);
        return episode;
    }

    private static string? Clean(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();
}

public sealed class Episode
{
    private Episode() { } // for EF

    public EpisodeId Id { get; private set; }
    public SeasonId SeasonId { get; private set; }
    public int Number { get; private set; }
    public string? Title { get; private set; }
    public DateOnly? AirDate { get; private set; }

    internal static Episode Create(SeasonId season, int number, string? title, DateOnly? airDate) => new()
    {
        Id = EpisodeId.New(), SeasonId = season,
        Number = number >= 0 ? number : throw new ArgumentOutOfRangeException(nameof(number)),
        Title = string.IsNullOrWhiteSpace(title) ? null : title.Trim(),
        AirDate = airDate,
    };

    internal void UpdateDetails(string? title, DateOnly? airDate)
    {
        if (!string.IsNullOrWhiteSpace(title)) Title = title.Trim();
        if (airDate is not null) AirDate = airDate;
    }
}
