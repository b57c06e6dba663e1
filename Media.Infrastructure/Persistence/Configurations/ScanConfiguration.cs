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
        b.Property(s => s.CurrentFolder).HasMaxLength(Domain.Common.RelativePath.MaxLength);
        b.Property(s => s.RunBy).HasMaxLength(300);
        b.OwnsOne(s => s.Skipped, k =>
        {
            k.Property(x => x.SystemFolders).HasColumnName("skipped_system_folders");
            k.Property(x => x.ExtrasFolders).HasColumnName("skipped_extras_folders");
            k.Property(x => x.UnreadableFolders).HasColumnName("skipped_unreadable_folders");
            k.Property(x => x.NotVideo).HasColumnName("skipped_not_video");
            k.Property(x => x.Samples).HasColumnName("skipped_samples");
            k.Property(x => x.Extras).HasColumnName("skipped_extras");
            k.Property(x => x.Partial).HasColumnName("skipped_partial");
        });
        b.Navigation(s => s.Skipped).IsRequired();
        b.OwnsMany(s => s.Problems, p => p.ToJson("problems"));
        b.Navigation(s => s.Problems).HasField("_problems");
        // One queued or running scan per library, enforced by the database so that it holds across API instances.
        b.HasIndex(s => s.LibraryId).HasDatabaseName(ActiveIndex).IsUnique().HasFilter("status IN ('queued', 'running')");
        b.HasIndex(s => new { s.LibraryId, s.QueuedAt, s.Id });
        b.HasOne<Library>().WithMany().HasForeignKey(s => s.LibraryId).OnDelete(DeleteBehavior.Cascade);
    }
}
