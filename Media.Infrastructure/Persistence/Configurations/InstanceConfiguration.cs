using Media.Domain.Instances;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

[SchemaGroup(16)]
internal sealed class ServiceInstanceConfiguration : IEntityTypeConfiguration<ServiceInstance>
{
    public void Configure(EntityTypeBuilder<ServiceInstance> b)
    {
        b.ToTable("service_instance");
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).HasMaxLength(64);
        b.Property(i => i.Name).HasMaxLength(300);
        b.PrimitiveCollection(i => i.RunningScans);
    }
}
