using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.Imports;

namespace Media.Application.Imports;

public interface IImportAttemptRepository : IRepository<ImportAttempt, ImportAttemptId>;
