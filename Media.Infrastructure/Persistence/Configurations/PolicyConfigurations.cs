using Media.Domain.Common;
using Media.Domain.Libraries;
using Media.Domain.Naming;
using Media.Domain.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

[SchemaGroup(6)]
internal sealed class PolicyConfiguration : IEntityTypeConfiguration<Policy>
{
    public void Configure(EntityTypeBuilder<Policy> b)
    {
        b.ToTable("policy");
        b.HasKey(p => p.Id);
        b.Property(p => p.Name).HasMaxLength(200);
        b.HasIndex(p => p.LibraryId);
        b.HasOne<Library>().WithMany().HasForeignKey(p => p.LibraryId).OnDelete(DeleteBehavior.Cascade);
        b.OwnsMany(p => p.Rules, r =>
        {
            r.ToTable("rule");
            r.WithOwner().HasForeignKey("policy_id");
            r.Property<Guid>("id");
            r.HasKey("id");
            r.Property(x => x.Value).HasMaxLength(500);
        });
        b.OwnsMany(p => p.Actions, a =>
        {
            a.ToTable("action");
            a.WithOwner().HasForeignKey("policy_id");
            a.Property<Guid>("id");
            a.HasKey("id");
            a.Property(x => x.Value).HasMaxLength(500);
        });
        b.Navigation(p => p.Rules).HasField("_rules");
        b.Navigation(p => p.Actions).HasField("_actions");
    }
}

[SchemaGroup(6)]
internal sealed class NameTemplateConfiguration : IEntityTypeConfiguration<NameTemplate>
{
    public void Configure(EntityTypeBuilder<NameTemplate> b)
    {
        b.ToTable("name_template");
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(200);
        b.HasIndex(t => t.Name).IsUnique();
        b.Property(t => t.Pattern).HasMaxLength(1000);
        // Plex/Jellyfin-friendly defaults (migration 0012); fixed ids so that every database has the same rows.
        if (MediaDbContext.MaxSchemaGroup >= 12)
            b.HasData(
                new { Id = new NameTemplateId(Guid.Parse("0195a0c0-0000-7000-8000-000000000101")), Name = "Movies (Plex/Jellyfin)", Kind = TemplateKind.Movie,
                      Pattern = NameTemplate.DefaultMoviePattern, CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) },
                new { Id = new NameTemplateId(Guid.Parse("0195a0c0-0000-7000-8000-000000000102")), Name = "Episodes (Plex/Jellyfin)", Kind = TemplateKind.Episode,
                      Pattern = NameTemplate.DefaultEpisodePattern, CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) });
    }
}
