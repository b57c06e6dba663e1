using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.Libraries;

namespace Media.Application.Libraries;

public interface ILibraryRepository : IRepository<Library, LibraryId>;
