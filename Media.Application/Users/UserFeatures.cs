using Ardalis.Specification;
using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Application.Users;

public interface IRoleRepository : IRepository<Role, RoleId>;

/// <summary>Password hashing by a well-kept implementation (ASP.NET Core Identity's PasswordHasher in Infrastructure).</summary>
public interface IPasswordHasher
{
    string Hash(string password);
    bool Verify(string hash, string password);
}

public sealed record UserDto(Guid Id, string Username, string Role, bool Disabled, bool HasPassword, DateTimeOffset CreatedAt);

/// <summary>A user with a freshly issued API key: the only time the key is shown.</summary>
public sealed record UserWithKeyDto(Guid Id, string Username, string Role, bool Disabled, bool HasPassword, DateTimeOffset CreatedAt, string ApiKey);

public sealed record RoleDto(Guid Id, string Name, IReadOnlyList<string> Permissions);

public sealed record MeDto(Guid Id, string Username, string Role, IReadOnlyList<string> Permissions);

public sealed record UserInput(string? Username, string? Password, string? Role, bool? Disabled);

public sealed class UsersPage : Specification<User>
{
    public static readonly IReadOnlyList<string> SortKeys = ["username", "createdAt"];

    public UsersPage(PageRequest page)
    {
        Query.AsNoTracking();
        _ = page.SortKey switch
        {
            "createdAt" => Query.OrderByThenId(u => u.CreatedAt, u => u.Id, page.Direction),
            _ => Query.OrderByThenId(u => u.Username, u => u.Id, page.Direction),
        };
        Query.Page(page);
    }
}

public sealed class UserByName : SingleResultSpecification<User>
{
    public UserByName(string username) => Query.Where(u => u.Username == username);
}

public sealed class ActiveAdmins : Specification<User>
{
    public ActiveAdmins() => Query.Where(u => u.RoleId == Role.AdminId && !u.Disabled);
}

public sealed class AllRoles : Specification<Role>
{
    public AllRoles() => Query.AsNoTracking().Include(r => r.Permissions).OrderBy(r => r.Name);
}

public sealed class RoleByName : SingleResultSpecification<Role>
{
    public RoleByName(string name) => Query.AsNoTracking().Where(r => r.Name == name);
}

/// <summary>The users feature: create, list, change, disable, delete, rotate keys; the last enabled admin always stays.</summary>
public sealed class UserHandler(IUserRepository users, IRoleRepository roles, IPasswordHasher hasher, TimeProvider clock)
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 256;

    public async Task<PagedList<UserDto>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var spec = new UsersPage(page);
        var found = await users.ListAsync(spec, ct);
        var names = await RoleNamesAsync(ct);
        return new PagedList<UserDto>(found.Select(u => ToDto(u, names)).ToList(), page.Page, page.PageSize, await users.CountAsync(spec, ct));
    }

    public async Task<Result<UserDto>> GetAsync(UserId id, CancellationToken ct) =>
        await users.FindAsync(id, ct) is { } user ? ToDto(user, await RoleNamesAsync(ct)) : UserErrors.NotFound(id);

    public async Task<Result<UserWithKeyDto>> CreateAsync(UserInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var username = input.Username?.Trim();
        if (string.IsNullOrWhiteSpace(username)) errors["username"] = ["A username is required."];
        else if (username.Length > User.MaxUsernameLength || username.Any(char.IsControl)) errors["username"] = [$"A username has 1 to {User.MaxUsernameLength} printable characters."];
        CheckPassword(input.Password, errors);
        var role = await RoleAsync(input.Role ?? Role.Viewer, errors, ct);
        if (errors.Count > 0) return Error.Validation("validation", "The user is invalid.", errors);

        var key = ApiKeys.Generate();
        var user = User.Create(username!, role!.Id, ApiKeys.Hash(key), input.Password is null ? null : hasher.Hash(input.Password), clock.GetUtcNow());
        if (input.Disabled == true) user.Disable();
        var added = await users.AddAsync(user, ct);
        if (added.IsFailure) return added.Error!.Code == "user.duplicate" ? UserErrors.Duplicate(username!) : added.Error!;
        return WithKey(user, role.Name, key);
    }

    /// <summary>Changes what the input names (password, role, disabled); a null field stays as it is.</summary>
    public async Task<Result<UserDto>> UpdateAsync(UserId id, UserInput input, CancellationToken ct)
    {
        if (await users.FindAsync(id, ct) is not { } user) return UserErrors.NotFound(id);
        var errors = new Dictionary<string, string[]>();
        if (input.Username is not null && input.Username.Trim() != user.Username) errors["username"] = ["A username cannot change."];
        CheckPassword(input.Password, errors);
        var role = input.Role is null ? null : await RoleAsync(input.Role, errors, ct);
        if (errors.Count > 0) return Error.Validation("validation", "The change is invalid.", errors);

        var wasAdmin = user.IsActiveAdmin;
        if (input.Password is not null) user.SetPassword(hasher.Hash(input.Password));
        if (role is not null) user.ChangeRole(role.Id);
        if (input.Disabled == true) user.Disable();
        else if (input.Disabled == false) user.Enable();
        if (wasAdmin && !user.IsActiveAdmin && await users.CountAsync(new ActiveAdmins(), ct) <= 1) return UserErrors.LastAdmin();

        var saved = await users.SaveAsync(ct);
        return saved.IsSuccess ? ToDto(user, await RoleNamesAsync(ct)) : saved.Error!;
    }

    public async Task<Result> DeleteAsync(UserId id, CancellationToken ct)
    {
        if (await users.FindAsync(id, ct) is not { } user) return UserErrors.NotFound(id);
        if (user.IsActiveAdmin && await users.CountAsync(new ActiveAdmins(), ct) <= 1) return UserErrors.LastAdmin();
        return await users.RemoveAsync(user, ct);
    }

    public async Task<Result<UserWithKeyDto>> RotateKeyAsync(UserId id, CancellationToken ct)
    {
        if (await users.FindAsync(id, ct) is not { } user) return UserErrors.NotFound(id);
        var key = ApiKeys.Generate();
        user.RotateApiKey(ApiKeys.Hash(key));
        var saved = await users.SaveAsync(ct);
        return saved.IsSuccess ? WithKey(user, (await RoleNamesAsync(ct))[user.RoleId], key) : saved.Error!;
    }

    /// <summary>Username and password for a new API key (the user's previous key stops working). Null when refused.</summary>
    public async Task<UserWithKeyDto?> LoginAsync(string? username, string? password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password) || password.Length > MaxPasswordLength) return null;
        var user = await users.FirstOrDefaultAsync(new UserByName(username.Trim()), ct);
        if (user is null || user.Disabled || user.PasswordHash is null || !hasher.Verify(user.PasswordHash, password)) return null;
        var key = ApiKeys.Generate();
        user.RotateApiKey(ApiKeys.Hash(key));
        var saved = await users.SaveAsync(ct);
        return saved.IsSuccess ? WithKey(user, (await RoleNamesAsync(ct))[user.RoleId], key) : null;
    }

    public async Task<IReadOnlyList<RoleDto>> RolesAsync(CancellationToken ct) =>
        (await roles.ListAsync(new AllRoles(), ct))
        .Select(r => new RoleDto(r.Id.Value, r.Name, r.Permissions.Select(p => p.Code).Order(StringComparer.Ordinal).ToList())).ToList();

    private static void CheckPassword(string? password, Dictionary<string, string[]> errors)
    {
        if (password is not null && (password.Length < MinPasswordLength || password.Length > MaxPasswordLength))
            errors["password"] = [$"A password has {MinPasswordLength} to {MaxPasswordLength} characters."];
    }

    private async Task<Role?> RoleAsync(string name, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var role = (await roles.ListAsync(new AllRoles(), ct)).FirstOrDefault(r => string.Equals(r.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (role is null) errors["role"] = [$"Unknown role '{name}'."];
        return role;
    }

    private async Task<Dictionary<RoleId, string>> RoleNamesAsync(CancellationToken ct) =>
        (await roles.ListAsync(new AllRoles(), ct)).ToDictionary(r => r.Id, r => r.Name);

    private static UserDto ToDto(User u, Dictionary<RoleId, string> roleNames) =>
        new(u.Id.Value, u.Username, roleNames.GetValueOrDefault(u.RoleId, "?"), u.Disabled, u.PasswordHash is not null, u.CreatedAt);

    private static UserWithKeyDto WithKey(User u, string role, string key) =>
        new(u.Id.Value, u.Username, role, u.Disabled, u.PasswordHash is not null, u.CreatedAt, key);
}
