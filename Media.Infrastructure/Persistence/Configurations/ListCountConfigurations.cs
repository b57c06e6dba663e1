using Media.Domain.Common;
using Media.Domain.MediaItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

// The totals of the long lists, kept by database triggers (migration 0024) as unmatched_count keeps the queue's:
// counting 100,000 rows for every page cost as much as the page itself (7-15 ms). Every writer keeps them right:
// EF, the scan's COPY, the move store's set-based update, a library's cascade.

/// <summary>How many media files each library has (present or missing).</summary>
internal sealed class MediaFileCount
{
    public LibraryId LibraryId { get; private set; }
    public long Count { get; private set; }
}

/// <summary>
/// How many titles there are of each type. The version goes up with every statement that changes titles of the type
/// (a title renamed too): while the versions are unchanged, the search texts held in memory still hold (see TitleSearchTexts).
/// </summary>
internal sealed class MediaItemCount
{
    public MediaType Type { get; private set; }
    public long Count { get; private set; }
    public long Version { get; private set; }
}

/// <summary>How many import attempts there are, succeeded and failed.</summary>
internal sealed class ImportCount
{
    public bool Succeeded { get; private set; }
    public long Count { get; private set; }
}

[SchemaGroup(24)]
internal sealed class MediaFileCountConfiguration : IEntityTypeConfiguration<MediaFileCount>
{
    public void Configure(EntityTypeBuilder<MediaFileCount> b)
    {
        b.ToTable("media_file_count");
        b.HasKey(c => c.LibraryId);
    }
}

[SchemaGroup(24)]
internal sealed class MediaItemCountConfiguration : IEntityTypeConfiguration<MediaItemCount>
{
    public void Configure(EntityTypeBuilder<MediaItemCount> b)
    {
        b.ToTable("media_item_count");
        b.HasKey(c => c.Type);
    }
}

[SchemaGroup(24)]
internal sealed class ImportCountConfiguration : IEntityTypeConfiguration<ImportCount>
{
    public void Configure(EntityTypeBuilder<ImportCount> b)
    {
        b.ToTable("media_file_import_count");
        b.HasKey(c => c.Succeeded);
    }
}
