using Media.Domain.Libraries;
using Media.Domain.Scans;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

[SchemaGroup(10)]
internal sealed class ScanConfiguration : IEntityTypeConfiguration<Scan>
{
    public const string ActiveIndex = "ix_scan_library_id_active";

    public void Configure(EntityTypeBuilder<Scan> b)
    {
        b.ToTable("scan");
        b.HasKey(s => s.Id);
        b.Property(s => s.Folder).HasMaxLength(Domain.Common.RelativePath.MaxLength);
        b.Property(s => s.Error).HasMaxLength(Scan.MaxErrorLength);
        b.Ignore(s => s.IsActive);
        // One queued or running scan per library, enforced by the database so that it holds across API instances.
        b.HasIndex(s => s.LibraryId).HasDatabaseName(ActiveIndex).IsUnique().HasFilter("status IN ('queued', 'running')");
        b.HasIndex(s => new { s.LibraryId, s.QueuedAt, s.Id });
        b.HasOne<Library>().WithMany().HasForeignKey(s => s.LibraryId).OnDelete(DeleteBehavior.Cascade);
    }
}
