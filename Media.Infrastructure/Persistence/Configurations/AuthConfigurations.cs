using Media.Domain.Common;
using Media.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Media.Infrastructure.Persistence.Configurations;

[SchemaGroup(1)]
internal sealed class PermissionConfiguration : IEntityTypeConfiguration<Permission>
{
    public void Configure(EntityTypeBuilder<Permission> b)
    {
        b.ToTable("permission");
        b.HasKey(p => p.Code);
        b.Property(p => p.Code).HasMaxLength(64);
        b.Property(p => p.Description).HasMaxLength(500);
    }
}

[SchemaGroup(1)]
internal sealed class RoleConfiguration : IEntityTypeConfiguration<Role>
{
    public void Configure(EntityTypeBuilder<Role> b)
    {
        b.ToTable("role");
        b.HasKey(r => r.Id);
        b.Property(r => r.Name).HasMaxLength(100);
        b.HasIndex(r => r.Name).IsUnique();
        b.HasMany(r => r.Permissions).WithMany()
            .UsingEntity(
                "role_permission",
                l => l.HasOne(typeof(Permission)).WithMany().HasForeignKey("permission_code").OnDelete(DeleteBehavior.Cascade),
                r => r.HasOne(typeof(Role)).WithMany().HasForeignKey("role_id").OnDelete(DeleteBehavior.Cascade),
                j =>
                {
                    j.HasKey("role_id", "permission_code");
                    // The join rows are seed data of 0002; a join entity can only be configured here, with its relationship.
                    if (MediaDbContext.MaxSchemaGroup >= RoleSeedConfiguration.Group) j.HasData(RoleSeedConfiguration.RolePermissionRows());
                });
        b.Navigation(r => r.Permissions).HasField("_permissions");
    }
}

[SchemaGroup(1)]
internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("app_user");
        b.HasKey(u => u.Id);
        b.Property(u => u.Username).HasMaxLength(User.MaxUsernameLength);
        b.HasIndex(u => u.Username).IsUnique();
        b.Property(u => u.PasswordHash).HasMaxLength(500);
        b.Property(u => u.ApiKeyHash).HasMaxLength(128);
        b.HasIndex(u => u.ApiKeyHash).IsUnique();
        b.HasOne<Role>().WithMany().HasForeignKey(u => u.RoleId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>0002: the built-in roles and what they may do.</summary>
[SchemaGroup(Group)]
internal sealed class RoleSeedConfiguration : IEntityTypeConfiguration<Role>
{
    public const int Group = 2;

    private static readonly (string Code, string Description)[] Permissions =
    [
        (Permission.MediaRead, "Read libraries, media, files, imports, scans and the unmatched queue."),
        (Permission.LibrariesScan, "Start library scans."),
        (Permission.UnmatchedResolve, "Match, dismiss and refresh unmatched files."),
        (Permission.DownloadsManage, "Manage download clients and download jobs."),
        (Permission.LibrariesManage, "Create, change and delete libraries, name templates and policies."),
        (Permission.SettingsManage, "Change application settings."),
        (Permission.UsersManage, "Manage users and their roles."),
    ];

    private static readonly (RoleId Id, string Name, string[] Grants)[] Roles =
    [
        (Role.AdminId, Role.Admin, [.. Permission.All]),
        (Role.ManagerId, Role.Manager,
            [Permission.MediaRead, Permission.LibrariesScan, Permission.UnmatchedResolve, Permission.DownloadsManage, Permission.LibrariesManage]),
        (Role.ViewerId, Role.Viewer, [Permission.MediaRead]),
    ];

    public void Configure(EntityTypeBuilder<Role> b)
    {
        b.HasData(Roles.Select(r => new { r.Id, r.Name }));
    }

    internal static IEnumerable<object> RolePermissionRows() =>
        Roles.SelectMany(r => r.Grants.Select(code => new { role_id = r.Id, permission_code = code }));

    internal static IEnumerable<object> PermissionRows() => Permissions.Select(p => new { p.Code, p.Description });
}

[SchemaGroup(RoleSeedConfiguration.Group)]
internal sealed class PermissionSeedConfiguration : IEntityTypeConfiguration<Permission>
{
    public void Configure(EntityTypeBuilder<Permission> b) => b.HasData(RoleSeedConfiguration.PermissionRows());
}
