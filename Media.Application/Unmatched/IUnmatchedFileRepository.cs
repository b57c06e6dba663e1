using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.Unmatched;

namespace Media.Application.Unmatched;

public interface IUnmatchedFileRepository : IRepository<UnmatchedFile, UnmatchedFileId>;
