using System.Security.Claims;
using System.Text.Json;
using Media.Api.Auth;
using Media.Api.Problems;
using Media.Application.Common;
using Media.Application.Settings;
using Media.Application.Users;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

public sealed record LoginRequest(string? Username, string? Password);

public sealed record LoginResponse(string ApiKey, Guid UserId, string Username, string Role);

public sealed record UserRequest(string? Username, string? Password, string? Role, bool? Disabled);

public sealed record SettingRequest(JsonElement? Value);

internal static class UserEndpoints
{
    public static void MapUsers(this IEndpointRouteBuilder v1)
    {
        v1.MapPost("/auth/login", Login).WithTags("Auth").AllowAnonymous();
        v1.MapGet("/me", Me).WithTags("Auth");

        var users = v1.MapGroup("/users").WithTags("Users").RequireAuthorization(Permission.UsersManage);
        users.MapGet("/", List);
        users.MapGet("/{id:guid}", Get).WithName("GetUser");
        users.MapPost("/", Create);
        users.MapPut("/{id:guid}", Update);
        users.MapDelete("/{id:guid}", Delete);
        users.MapPost("/{id:guid}/rotate-key", Rotate);
        v1.MapGet("/roles", Roles).WithTags("Users").RequireAuthorization(Permission.UsersManage);

        var settings = v1.MapGroup("/settings").WithTags("Settings").RequireAuthorization(Permission.SettingsManage);
        settings.MapGet("/", (SettingsHandler handler, CancellationToken ct) => handler.ListAsync(ct));
        settings.MapPut("/{key}", PutSetting);
    }

    private static async Task<IResult> Login(LoginRequest request, UserHandler handler, LoginThrottle throttle, HttpContext http, CancellationToken ct)
    {
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var (attempt, retryAfter) = throttle.Begin(request.Username, address);
        if (attempt is null)
        {
            var wait = retryAfter!.Value;
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: "Too many failed logins; try again later.", extensions: new Dictionary<string, object?> { ["code"] = "auth.throttled" });
        }
        var user = await handler.LoginAsync(request.Username, request.Password, ct);
        if (user is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "Unknown username or wrong password.", extensions: new Dictionary<string, object?> { ["code"] = "auth.failed" });
        }
        throttle.Succeeded(attempt, request.Username);
        return Results.Ok(new LoginResponse(user.ApiKey, user.Id, user.Username, user.Role));
    }

    private static IResult Me(ClaimsPrincipal principal) => Results.Ok(new MeDto(
        Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier)!),
        principal.FindFirstValue(ClaimTypes.Name)!,
        principal.FindFirstValue(ClaimTypes.Role)!,
        principal.FindAll(ApiKeyAuthenticationHandler.PermissionClaim).Select(c => c.Value).Order(StringComparer.Ordinal).ToList()));

    private static async Task<IResult> List(
        UserHandler handler, CancellationToken ct, int? page = null, int? pageSize = null, string? sortKey = null, string? sortDirection = null)
    {
        var request = PageRequest.Create(page, pageSize, sortKey, sortDirection, UsersPage.SortKeys);
        return request.IsFailure ? ProblemResults.Problem(request.Error!) : Results.Ok(await handler.ListAsync(request.Value, ct));
    }

    private static async Task<IResult> Get(Guid id, UserHandler handler, CancellationToken ct) =>
        (await handler.GetAsync(new UserId(id), ct)).ToHttpResult();

    private static async Task<IResult> Create(UserRequest request, UserHandler handler, CancellationToken ct) =>
        (await handler.CreateAsync(new UserInput(request.Username, request.Password, request.Role, request.Disabled), ct))
            .ToHttpResult(u => Results.CreatedAtRoute("GetUser", new { id = u.Id }, u));

    private static async Task<IResult> Update(Guid id, UserRequest request, UserHandler handler, CancellationToken ct) =>
        (await handler.UpdateAsync(new UserId(id), new UserInput(request.Username, request.Password, request.Role, request.Disabled), ct)).ToHttpResult();

    private static async Task<IResult> Delete(Guid id, UserHandler handler, CancellationToken ct) =>
        (await handler.DeleteAsync(new UserId(id), ct)).ToHttpResult();

    private static async Task<IResult> Rotate(Guid id, UserHandler handler, CancellationToken ct) =>
        (await handler.RotateKeyAsync(new UserId(id), ct)).ToHttpResult();

    private static async Task<IReadOnlyList<RoleDto>> Roles(UserHandler handler, CancellationToken ct) => await handler.RolesAsync(ct);

    private static async Task<IResult> PutSetting(string key, SettingRequest request, SettingsHandler handler, CancellationToken ct) =>
        (await handler.PutAsync(key, request.Value, ct)).ToHttpResult();
}
