using System.Reflection;
using Media.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Media.Infrastructure.Persistence;

/// <summary>
/// The one model of Media. Each database provider has a subclass of its own, so that each keeps its own migrations.
/// </summary>
public abstract class MediaDbContext : DbContext
{
    /// <summary>Design-time only: the last migration group to include (see <see cref="SchemaGroupAttribute"/>).</summary>
    internal const string SchemaGroupVariable = "MEDIA_SCHEMA_GROUP";

    protected MediaDbContext(DbContextOptions options) : base(options) { }

    internal static int MaxSchemaGroup =>
        int.TryParse(Environment.GetEnvironmentVariable(SchemaGroupVariable), out var group) ? group : int.MaxValue;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var max = MaxSchemaGroup;
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MediaDbContext).Assembly,
            t => (t.GetCustomAttribute<SchemaGroupAttribute>()?.Group ?? int.MaxValue) <= max);

        // Ids are made by the domain, never by the database; EF must treat a new child with an id as new.
        foreach (var key in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetKeys()))
        foreach (var property in key.Properties.Where(p => typeof(IEntityId).IsAssignableFrom(p.ClrType)))
            property.ValueGenerated = ValueGenerated.Never;
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        var domain = typeof(IEntityId).Assembly;
        foreach (var id in domain.GetTypes().Where(t => t.IsValueType && typeof(IEntityId).IsAssignableFrom(t)))
            configurationBuilder.Properties(id).HaveConversion(typeof(EntityIdConverter<>).MakeGenericType(id));
        foreach (var type in domain.GetTypes().Where(t => t.IsEnum && t.IsPublic))
            configurationBuilder.Properties(type).HaveConversion(typeof(SnakeCaseEnumConverter<>).MakeGenericType(type)).HaveMaxLength(32);
    }
}

public sealed class PostgresMediaDbContext(DbContextOptions<PostgresMediaDbContext> options) : MediaDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("uuid-ossp");
        base.OnModelCreating(modelBuilder);
        Configurations.MediaItemConfiguration.SearchText(modelBuilder, stored: true);
    }
}

public sealed class SqliteMediaDbContext(DbContextOptions<SqliteMediaDbContext> options) : MediaDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // SQLite cannot add a stored generated column to a table; computed as it is read (the same query either way).
        Configurations.MediaItemConfiguration.SearchText(modelBuilder, stored: false);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }
}
