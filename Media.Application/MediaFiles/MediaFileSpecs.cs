using Ardalis.Specification;
using Media.Domain.Common;
using Media.Domain.MediaFiles;

namespace Media.Application.MediaFiles;

public sealed class FilesOfLibrary : Specification<MediaFile>
{
    public FilesOfLibrary(LibraryId library) => Query.Where(f => f.LibraryId == library);
}
