using Media.Application.Imports;
using Media.Application.Libraries;
using Media.Application.MediaFiles;
using Media.Application.MediaItems;
using Media.Application.Unmatched;
using Media.Application.Users;
using Media.Domain.Common;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Unmatched;
using Media.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace Media.Infrastructure.Persistence.Repositories;

internal sealed class LibraryRepository(MediaDbContext db) : EfRepository<Library, LibraryId>(db), ILibraryRepository;

internal sealed class MediaItemRepository(MediaDbContext db) : EfRepository<MediaItem, MediaItemId>(db), IMediaItemRepository
{
    protected override IQueryable<MediaItem> Aggregate =>
        Db.Set<MediaItem>().Include(m => m.Seasons).ThenInclude(s => s.Episodes).AsSplitQuery();
}

internal sealed class MediaFileRepository(MediaDbContext db) : EfRepository<MediaFile, MediaFileId>(db), IMediaFileRepository;

internal sealed class ImportAttemptRepository(MediaDbContext db) : EfRepository<ImportAttempt, ImportAttemptId>(db), IImportAttemptRepository;

internal sealed class UnmatchedFileRepository(MediaDbContext db) : EfRepository<UnmatchedFile, UnmatchedFileId>(db), IUnmatchedFileRepository;

internal sealed class UserRepository(MediaDbContext db) : EfRepository<User, UserId>(db), IUserRepository
{
    public async Task<AuthenticatedUser?> FindByApiKeyHashAsync(string apiKeyHash, CancellationToken ct)
    {
        var found = await (
            from user in Db.Set<User>().AsNoTracking()
            join role in Db.Set<Role>().AsNoTracking() on user.RoleId equals role.Id
            where user.ApiKeyHash == apiKeyHash && !user.Disabled
            select new { user.Id, user.Username, Role = role.Name, Permissions = role.Permissions.Select(p => p.Code).ToList() })
            .FirstOrDefaultAsync(ct);
        return found is null ? null : new AuthenticatedUser(found.Id, found.Username, found.Role, found.Permissions);
    }
}
