using Media.Domain.Common;

namespace Media.Domain.Users;

/// <summary>A named set of permissions. The built-in roles are seeded with the schema.</summary>
public sealed class Role
{
    public const string Admin = "Admin";
    public const string Manager = "Manager";
    public const string Viewer = "Viewer";

    // Fixed ids: seeded rows must have the same key in every database.
    public static readonly RoleId AdminId = new(Guid.Parse("0195a0c0-0000-7000-8000-000000000001"));
    public static readonly RoleId ManagerId = new(Guid.Parse("0195a0c0-0000-7000-8000-000000000002"));
    public static readonly RoleId ViewerId = new(Guid.Parse("0195a0c0-0000-7000-8000-000000000003"));

    private readonly List<Permission> _permissions = [];

    private Role() { } // for EF

    public RoleId Id { get; private set; }
    public string Name { get; private set; } = "";
    public IReadOnlyCollection<Permission> Permissions => _permissions;

    public bool Grants(string permission) => _permissions.Any(p => p.Code == permission);
}
