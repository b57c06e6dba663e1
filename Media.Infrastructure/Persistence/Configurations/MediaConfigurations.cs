using Media.Domain.Imports;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Domain.Unmatched;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

[SchemaGroup(5)]
internal sealed class MediaItemConfiguration : IEntityTypeConfiguration<MediaItem>
{
    public void Configure(EntityTypeBuilder<MediaItem> b)
    {
        b.ToTable("media_item");
        b.HasKey(m => m.Id);
        b.Property(m => m.Title).HasMaxLength(MediaItem.MaxTitleLength);
        b.Property(m => m.OriginalTitle).HasMaxLength(MediaItem.MaxTitleLength);
        b.Property(m => m.Overview).HasMaxLength(MediaItem.MaxOverviewLength);
        b.Property(m => m.PosterPath).HasMaxLength(MediaItem.MaxPosterPathLength);
        b.HasIndex(m => new { m.Type, m.TmdbId }).IsUnique();
        // Lists by title read it in order, the id breaking ties (migration 0025).
        b.HasIndex(m => new { m.Title, m.Id });
        b.HasMany(m => m.Seasons).WithOne().HasForeignKey(s => s.MediaItemId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(m => m.Seasons).HasField("_seasons");
    }

    /// <summary>The column a title search reads (shadow property <c>SearchText</c>).</summary>
    public const string SearchTextProperty = "SearchText";

    /// <summary>
    /// What a title search (<c>q=</c>) reads: the title and the original title in lower case, kept by the database
    /// itself (migration 0023), so that a search does not lower-case every title of the library on every request.
    /// </summary>
    public static void SearchText(ModelBuilder model, bool stored)
    {
        model.Entity<MediaItem>().Property<string>(SearchTextProperty).HasColumnName("search_text")
            .HasComputedColumnSql("lower(title) || '\n' || lower(coalesce(original_title, ''))", stored);
        // Where the text is stored (PostgreSQL), the title index carries it: a search reads the index alone, in title
        // order, instead of every title's row with its overview (about 600 bytes a title from TMDB; 35 ms for 100,000
        // titles against 9 ms for the index; migration 0025).
        if (stored) model.Entity<MediaItem>().HasIndex(m => new { m.Title, m.Id }).IncludeProperties(SearchTextProperty);
    }
}

[SchemaGroup(5)]
internal sealed class SeasonConfiguration : IEntityTypeConfiguration<Season>
{
    public void Configure(EntityTypeBuilder<Season> b)
    {
        b.ToTable("season");
        b.HasKey(s => s.Id);
        b.Property(s => s.Number).HasColumnName("season_number");
        b.Property(s => s.Name).HasMaxLength(MediaItem.MaxTitleLength);
        b.HasIndex(s => new { s.MediaItemId, s.Number }).IsUnique();
        b.HasMany(s => s.Episodes).WithOne().HasForeignKey(e => e.SeasonId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(s => s.Episodes).HasField("_episodes");
    }
}

[SchemaGroup(5)]
internal sealed class EpisodeConfiguration : IEntityTypeConfiguration<Episode>
{
    public void Configure(EntityTypeBuilder<Episode> b)
    {
        b.ToTable("episode");
        b.HasKey(e => e.Id);
        b.Property(e => e.Number).HasColumnName("episode_number");
        b.Property(e => e.Title).HasMaxLength(MediaItem.MaxTitleLength);
        b.HasIndex(e => new { e.SeasonId, e.Number }).IsUnique();
    }
}

[SchemaGroup(5)]
internal sealed class MediaFileConfiguration : IEntityTypeConfiguration<MediaFile>
{
    public void Configure(EntityTypeBuilder<MediaFile> b)
    {
        b.ToTable("media_file");
        b.HasKey(f => f.Id);
        b.Property(f => f.Path).HasMaxLength(Domain.Common.RelativePath.MaxLength);
        // A path can be longer than an index entry may be (PostgreSQL's btree: about 2.7 KB): unique by its hash.
        b.Property(f => f.PathHash).HasMaxLength(32);
        b.HasIndex(f => new { f.LibraryId, f.PathHash }).IsUnique();
        b.HasIndex(f => f.MediaItemId);
        b.HasIndex(f => f.EpisodeId);
        b.HasOne<Library>().WithMany().HasForeignKey(f => f.LibraryId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<MediaItem>().WithMany().HasForeignKey(f => f.MediaItemId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Episode>().WithMany().HasForeignKey(f => f.EpisodeId).OnDelete(DeleteBehavior.Cascade);
        b.OwnsOne(f => f.State, s =>
        {
            s.ToTable("media_file_state");
            s.WithOwner().HasForeignKey("media_file_id");
            s.HasKey("media_file_id");
            s.Property(x => x.Exists).HasColumnName("file_exists");
            s.Property(x => x.Size).HasColumnName("file_size");
            s.Property(x => x.LastVerifiedAt).HasColumnName("last_verified_at");
            // The missing files, few among many: lists and counts of them probe this small index (migration 0025).
            s.HasIndex("media_file_id").HasDatabaseName("ix_media_file_state_missing").HasFilter("NOT file_exists");
            // Moves are recognised by (device, inode): looked up by inode (migration 0017).
            s.Property(x => x.Device).HasColumnName("device");
            s.Property(x => x.Inode).HasColumnName("inode");
            s.Property(x => x.ModifiedAt).HasColumnName("modified_at");
            s.Property(x => x.IdentityStored).HasColumnName("identity_stored");
            s.Property(x => x.IdentityNote).HasColumnName("identity_note").HasMaxLength(FileState.MaxNoteLength);
            s.HasIndex(x => x.Inode);
        });
        b.Navigation(f => f.State).IsRequired();
        // Every episode a file holds (S01E01E02); episode_id above stays the first of them.
        b.OwnsMany(f => f.Episodes, e =>
        {
            e.ToTable("media_file_episode");
            e.WithOwner().HasForeignKey("media_file_id");
            e.Property<Media.Domain.Common.MediaFileId>("media_file_id");
            e.HasKey("media_file_id", nameof(MediaFileEpisode.EpisodeId));
            e.HasOne<Episode>().WithMany().HasForeignKey(x => x.EpisodeId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.EpisodeId);
        });
        b.Navigation(f => f.Episodes).HasField("_episodes");
    }
}

[SchemaGroup(5)]
internal sealed class ImportAttemptConfiguration : IEntityTypeConfiguration<ImportAttempt>
{
    public void Configure(EntityTypeBuilder<ImportAttempt> b)
    {
        b.ToTable("media_file_import");
        b.HasKey(i => i.Id);
        b.Property(i => i.SourcePath).HasMaxLength(4096);
        b.Property(i => i.DestinationPath).HasMaxLength(4096);
        b.Property(i => i.ErrorCode).HasMaxLength(64);
        b.Property(i => i.Error).HasMaxLength(ImportAttempt.MaxMessageLength);
        b.Property(i => i.RecognisedBy).HasColumnName("recognised_by");
        // History outlives the file it describes: forgetting a file keeps its import records.
        b.HasOne<MediaFile>().WithMany().HasForeignKey(i => i.MediaFileId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(i => new { i.MediaFileId, i.AttemptedAt });
        b.HasIndex(i => new { i.DownloadJobId, i.AttemptedAt });
        b.HasIndex(i => new { i.AttemptedAt, i.Id });
    }
}

[SchemaGroup(5)]
internal sealed class UnmatchedFileConfiguration : IEntityTypeConfiguration<UnmatchedFile>
{
    public void Configure(EntityTypeBuilder<UnmatchedFile> b)
    {
        b.ToTable("unmatched_file");
        b.HasKey(u => u.Id);
        b.Property(u => u.Path).HasMaxLength(Domain.Common.RelativePath.MaxLength);
        b.Property(u => u.PathHash).HasMaxLength(32);
        b.HasIndex(u => new { u.LibraryId, u.PathHash }).IsUnique();
        // The queue is read pending-first in discovery order; these keep deep pages cheap.
        b.HasIndex(u => new { u.Status, u.DiscoveredAt, u.Id });
        b.HasIndex(u => new { u.LibraryId, u.Status, u.DiscoveredAt, u.Id });
        // The pending queue is what users page through, often a million rows deep: narrow partial indexes for it.
        b.HasIndex(u => new { u.DiscoveredAt, u.Id }).HasDatabaseName("ix_unmatched_file_pending").HasFilter("status = 'pending'");
        b.HasIndex(u => new { u.LibraryId, u.DiscoveredAt, u.Id }).HasDatabaseName("ix_unmatched_file_library_pending").HasFilter("status = 'pending'");
        b.HasOne<Library>().WithMany().HasForeignKey(u => u.LibraryId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<MediaFile>().WithMany().HasForeignKey(u => u.MediaFileId).OnDelete(DeleteBehavior.SetNull);
        b.OwnsMany(u => u.Suggestions, s => s.ToJson("suggestions"));
        b.Navigation(u => u.Suggestions).HasField("_suggestions");
    }
}
