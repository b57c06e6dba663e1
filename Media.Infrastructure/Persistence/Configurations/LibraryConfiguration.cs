using Media.Domain.Libraries;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

[SchemaGroup(4)]
internal sealed class LibraryConfiguration : IEntityTypeConfiguration<Library>
{
    public void Configure(EntityTypeBuilder<Library> b)
    {
        b.ToTable("library");
        b.HasKey(l => l.Id);
        b.Property(l => l.Name).HasMaxLength(Library.MaxNameLength);
        b.OwnsOne(l => l.Storage, s =>
        {
            s.Property(x => x.Provider).HasColumnName("storage_provider").HasMaxLength(32);
            s.Property(x => x.Root).HasColumnName("storage_root").HasMaxLength(StorageLocation.MaxRootLength);
            // Encrypted (Data Protection) by the application; null for local disks.
            s.Property(x => x.ProtectedConnectionString).HasColumnName("storage_connection_string");
            s.HasIndex(x => new { x.Provider, x.Root }).IsUnique().HasDatabaseName("ix_library_storage_root");
        });
        b.Navigation(l => l.Storage).IsRequired();
        // Existing libraries are watched (the migration's default); no store default in the model, so false is written.
        b.Property(l => l.Watch).HasColumnName("watch");
    }
}
