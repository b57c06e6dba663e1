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
    }
}
