using Media.Domain.Caching;
using Media.Domain.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

[SchemaGroup(3)]
internal sealed class AppSettingConfiguration : IEntityTypeConfiguration<AppSetting>
{
    public void Configure(EntityTypeBuilder<AppSetting> b)
    {
        b.ToTable("app_setting");
        b.HasKey(s => s.Key);
        b.Property(s => s.Key).HasMaxLength(200);
    }
}

[SchemaGroup(9)]
internal sealed class ApiCacheEntryConfiguration : IEntityTypeConfiguration<ApiCacheEntry>
{
    public void Configure(EntityTypeBuilder<ApiCacheEntry> b)
    {
        b.ToTable("api_cache");
        b.HasKey(e => e.Key);
        b.Property(e => e.Key).HasMaxLength(1000);
        b.HasIndex(e => e.ExpiresAt);
    }
}
