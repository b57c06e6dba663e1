using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.MediaItems;

namespace Media.Application.MediaItems;

/// <summary>Media items come with their seasons and episodes: they are one aggregate.</summary>
public interface IMediaItemRepository : IRepository<MediaItem, MediaItemId>;
