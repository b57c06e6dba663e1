using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.MediaFiles;

namespace Media.Application.MediaFiles;

public interface IMediaFileRepository : IRepository<MediaFile, MediaFileId>;
