using Media.Domain.Common;
using Media.Domain.Unmatched;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

/// <summary>
/// How many queue entries each library has in each status, kept by database triggers on unmatched_file
/// (migration 0011): counting a million pending rows for every page would cost more than the page itself. The
/// version goes up with every change the triggers count (migration 0022): a queue whose versions are unchanged has
/// every entry where it was, so positions read before still hold (see QueueBookmarks).
/// </summary>
internal sealed class UnmatchedCount
{
    public LibraryId LibraryId { get; private set; }
    public UnmatchedStatus Status { get; private set; }
    public long Count { get; private set; }
    public long Version { get; private set; }
}

[SchemaGroup(11)]
internal sealed class UnmatchedCountConfiguration : IEntityTypeConfiguration<UnmatchedCount>
{
    public void Configure(EntityTypeBuilder<UnmatchedCount> b)
    {
        b.ToTable("unmatched_count");
        b.HasKey(c => new { c.LibraryId, c.Status });
    }
}
