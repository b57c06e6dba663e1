using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.MediaItems;

namespace Media.Application.MediaItems;

/// <summary>The stored item (untracked, with its seasons and episodes) and whether this call created it.</summary>
public sealed record EnsuredItem(MediaItem Item, bool Created);

/// <summary>Media items come with their seasons and episodes: they are one aggregate.</summary>
public interface IMediaItemRepository : IRepository<MediaItem, MediaItemId>
{
    /// <summary>
    /// Find-or-create, atomic in the database: the item by (type, TMDB id), its seasons by number and their episodes by
    /// number are inserted where missing and kept where present. Concurrent callers all get the one stored item.
    /// </summary>
    Task<EnsuredItem> EnsureAsync(MediaItem candidate, CancellationToken ct);
}
