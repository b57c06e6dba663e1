namespace Media.Domain.Common;

// Every aggregate's id; one file so that the list is easy to see.
public readonly record struct LibraryId(Guid Value) : IEntityId { public static LibraryId New() => new(EntityIds.NewGuid()); }
public readonly record struct MediaItemId(Guid Value) : IEntityId { public static MediaItemId New() => new(EntityIds.NewGuid()); }
public readonly record struct SeasonId(Guid Value) : IEntityId { public static SeasonId New() => new(EntityIds.NewGuid()); }
public readonly record struct EpisodeId(Guid Value) : IEntityId { public static EpisodeId New() => new(EntityIds.NewGuid()); }
public readonly record struct MediaFileId(Guid Value) : IEntityId { public static MediaFileId New() => new(EntityIds.NewGuid()); }
public readonly record struct ImportAttemptId(Guid Value) : IEntityId { public static ImportAttemptId New() => new(EntityIds.NewGuid()); }
public readonly record struct UnmatchedFileId(Guid Value) : IEntityId { public static UnmatchedFileId New() => new(EntityIds.NewGuid()); }
public readonly record struct ScanId(Guid Value) : IEntityId { public static ScanId New() => new(EntityIds.NewGuid()); }
public readonly record struct DownloaderId(Guid Value) : IEntityId { public static DownloaderId New() => new(EntityIds.NewGuid()); }
public readonly record struct DownloadJobId(Guid Value) : IEntityId { public static DownloadJobId New() => new(EntityIds.NewGuid()); }
public readonly record struct PolicyId(Guid Value) : IEntityId { public static PolicyId New() => new(EntityIds.NewGuid()); }
public readonly record struct NameTemplateId(Guid Value) : IEntityId { public static NameTemplateId New() => new(EntityIds.NewGuid()); }
public readonly record struct UserId(Guid Value) : IEntityId { public static UserId New() => new(EntityIds.NewGuid()); }
public readonly record struct RoleId(Guid Value) : IEntityId { public static RoleId New() => new(EntityIds.NewGuid()); }
