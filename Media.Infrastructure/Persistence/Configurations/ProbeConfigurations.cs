using Media.Domain.Common;
using Media.Domain.MediaFiles;
using Media.Domain.Probes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

[SchemaGroup(18)]
internal sealed class MediaFileProbeConfiguration : IEntityTypeConfiguration<MediaFileProbe>
{
    public void Configure(EntityTypeBuilder<MediaFileProbe> b)
    {
        b.ToTable("media_file_probe");
        b.HasKey(p => p.MediaFileId);
        b.HasOne<MediaFile>().WithOne().HasForeignKey<MediaFileProbe>(p => p.MediaFileId).OnDelete(DeleteBehavior.Cascade);
        // A new request while a probe runs clears the claim: the stale result's save then finds no row of its claim.
        b.Property(p => p.ClaimToken).IsConcurrencyToken();
        b.Property(p => p.ClaimedBy).HasMaxLength(300);
        b.Property(p => p.Container).HasMaxLength(MediaStream.MaxTextLength);
        b.Property(p => p.VideoCodec).HasMaxLength(MediaStream.MaxTextLength);
        b.Property(p => p.Resolution).HasMaxLength(16);
        b.Property(p => p.HdrFormat).HasMaxLength(32);
        b.Property(p => p.Error).HasMaxLength(MediaFileProbe.MaxErrorLength);
        // The queue: only the needed rows, oldest request first.
        b.HasIndex(p => p.RequestedAt).HasDatabaseName("ix_media_file_probe_needed").HasFilter("needed");
        b.HasIndex(p => new { p.Resolution, p.VideoCodec });
        b.HasIndex(p => p.Status);
    }
}

[SchemaGroup(18)]
internal sealed class MediaStreamConfiguration : IEntityTypeConfiguration<MediaStream>
{
    public const string FileColumn = "media_file_id";

    public void Configure(EntityTypeBuilder<MediaStream> b)
    {
        b.ToTable("media_stream");
        b.Property<MediaFileId>(FileColumn);
        b.HasKey(FileColumn, nameof(MediaStream.Index));
        b.Property(s => s.Index).HasColumnName("stream_index").ValueGeneratedNever();
        b.HasOne<MediaFile>().WithMany().HasForeignKey(FileColumn).OnDelete(DeleteBehavior.Cascade);
        foreach (var text in new[] { nameof(MediaStream.Codec), nameof(MediaStream.Profile), nameof(MediaStream.ChannelLayout), nameof(MediaStream.Title) })
            b.Property(text).HasMaxLength(MediaStream.MaxTextLength);
        b.Property(s => s.Language).HasMaxLength(MediaStream.MaxTextLength);
        b.Property(s => s.HdrFormat).HasMaxLength(32);
        // "Files with an audio stream in French": by kind and language.
        b.HasIndex(s => new { s.Kind, s.Language });
    }
}
