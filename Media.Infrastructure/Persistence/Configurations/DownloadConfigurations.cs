using Media.Domain.Downloads;
using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaItems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

[SchemaGroup(7)]
internal sealed class DownloaderConfiguration : IEntityTypeConfiguration<Downloader>
{
    public void Configure(EntityTypeBuilder<Downloader> b)
    {
        b.ToTable("downloader");
        b.HasKey(d => d.Id);
        b.Property(d => d.Name).HasMaxLength(200);
        b.HasIndex(d => d.Name).IsUnique();
        b.Property(d => d.Url).HasMaxLength(2000);
        b.Property(d => d.Username).HasMaxLength(200);
        b.Property(d => d.ProtectedPassword).HasMaxLength(4000);
    }
}

/// <summary>0008: download jobs, with their episodes in a table of their own and no season id.</summary>
[SchemaGroup(8)]
internal sealed class DownloadJobConfiguration : IEntityTypeConfiguration<DownloadJob>
{
    public void Configure(EntityTypeBuilder<DownloadJob> b)
    {
        b.ToTable("download_job");
        b.HasKey(j => j.Id);
        b.Property(j => j.Source).HasMaxLength(8000);
        b.Property(j => j.ClientReference).HasMaxLength(200);
        b.Property(j => j.SavePath).HasMaxLength(4096);
        b.Property(j => j.Error).HasMaxLength(4000);
        // Every change moves UpdatedAt: as a concurrency token it keeps two monitors from importing one job twice.
        b.Property(j => j.UpdatedAt).IsConcurrencyToken();
        b.HasIndex(j => new { j.Status, j.UpdatedAt });
        b.HasIndex(j => j.MediaItemId);
        b.HasOne<MediaItem>().WithMany().HasForeignKey(j => j.MediaItemId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Library>().WithMany().HasForeignKey(j => j.LibraryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Downloader>().WithMany().HasForeignKey(j => j.DownloaderId).OnDelete(DeleteBehavior.Restrict);
        b.OwnsMany(j => j.Episodes, e =>
        {
            e.ToTable("download_job_episode");
            e.WithOwner().HasForeignKey("download_job_id");
            e.HasKey("download_job_id", nameof(DownloadJobEpisode.EpisodeId));
            e.HasOne<Episode>().WithMany().HasForeignKey(x => x.EpisodeId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Navigation(j => j.Episodes).HasField("_episodes");
        // The import history names the job it came from; the history stays if the job is deleted.
        b.HasMany<ImportAttempt>().WithOne().HasForeignKey(i => i.DownloadJobId).OnDelete(DeleteBehavior.SetNull);
    }
}
