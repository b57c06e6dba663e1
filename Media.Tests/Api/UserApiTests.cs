using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Media.Domain.Users;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Api;

[TestFixture(Provider.Postgres)]
public sealed class UserApiTests(Provider provider)
{
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = await MediaApiFactory.CreateAsync(provider);
        _admin = _api.Admin();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _api.DisposeAsync();
    }

    private async Task<JsonElement> CreateUser(string username, string role, string? password = "correct horse battery")
    {
        using var response = await _admin.PostAsJsonAsync("/v1/users", new { username, password, role }, Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync(Ct));
        return await response.JsonAsync();
    }

    private async Task<HttpResponseMessage> Login(string username, string password) =>
        await _api.CreateClient().PostAsJsonAsync("/v1/auth/login", new { username, password }, Ct);

    private async Task<JsonElement> Me(string key)
    {
        using var client = _api.ClientWithKey(key);
        using var response = await client.GetAsync("/v1/me", Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.JsonAsync();
    }

    private async Task<HttpStatusCode> StatusWith(string key, string url)
    {
        using var client = _api.ClientWithKey(key);
        using var response = await client.GetAsync(url, Ct);
        return response.StatusCode;
    }

    [Test]
    public async Task A_new_user_gets_a_key_once_and_the_permissions_of_its_role()
    {
        var user = await CreateUser("manny", "Manager");
        var key = user.GetProperty("apiKey").GetString()!;
        var me = await Me(key);
        Assert.That((me.GetProperty("username").GetString(), me.GetProperty("role").GetString()), Is.EqualTo(("manny", "Manager")));
        Assert.That(me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()),
            Is.EquivalentTo(new[] { "media.read", "libraries.scan", "unmatched.resolve", "downloads.manage", "libraries.manage" }));
        Assert.That(await StatusWith(key, "/v1/users"), Is.EqualTo(HttpStatusCode.Forbidden));

        var listed = await _admin.GetStringAsync("/v1/users?pageSize=500", Ct);
        var fetched = await _admin.GetStringAsync($"/v1/users/{user.GetProperty("id").GetGuid()}", Ct);
        Assert.That(listed + fetched, Does.Not.Contain(key).And.Not.Contain("apiKey").And.Not.Contain("passwordHash"), "keys are shown only once");

        await using var scope = _api.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<MediaDbContext>().Set<User>().AsNoTracking().SingleAsync(u => u.Username == "manny", Ct);
        Assert.That(stored.PasswordHash, Is.Not.Null.And.Not.Contain("correct horse"), "the password is stored hashed");
        Assert.That(stored.ApiKeyHash, Is.Not.EqualTo(key), "the key is stored hashed");

        using var duplicate = await _admin.PostAsJsonAsync("/v1/users", new { username = "manny", role = "Viewer" }, Ct);
        Assert.That(duplicate.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Login_issues_a_new_key_and_refuses_wrong_passwords_and_disabled_users()
    {
        var user = await CreateUser("lena", "Viewer");
        var first = user.GetProperty("apiKey").GetString()!;
        using var ok = await Login("lena", "correct horse battery");
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var second = (await ok.JsonAsync()).GetProperty("apiKey").GetString()!;
        Assert.That(await StatusWith(second, "/v1/libraries"), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await StatusWith(first, "/v1/libraries"), Is.EqualTo(HttpStatusCode.Unauthorized), "the previous key stops working");

        using var wrong = await Login("lena", "not the password");
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var nobody = await Login("nobody", "whatever it is");
        Assert.That(nobody.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        using var disabled = await _admin.PutAsJsonAsync($"/v1/users/{user.GetProperty("id").GetGuid()}", new { disabled = true }, Ct);
        Assert.That(disabled.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await StatusWith(second, "/v1/libraries"), Is.EqualTo(HttpStatusCode.Unauthorized), "a disabled user's key stops working");
        using var refused = await Login("lena", "correct horse battery");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Rotating_a_key_replaces_it()
    {
        var user = await CreateUser("rota", "Viewer", password: null);
        var old = user.GetProperty("apiKey").GetString()!;
        using var rotated = await _admin.PostAsync($"/v1/users/{user.GetProperty("id").GetGuid()}/rotate-key", null, Ct);
        Assert.That(rotated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var fresh = (await rotated.JsonAsync()).GetProperty("apiKey").GetString()!;
        Assert.That(await StatusWith(old, "/v1/me"), Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await StatusWith(fresh, "/v1/me"), Is.EqualTo(HttpStatusCode.OK));
        using var noPassword = await Login("rota", "anything at all");
        Assert.That(noPassword.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a user without a password cannot log in");
    }

    [Test]
    public async Task The_last_admin_cannot_be_deleted_disabled_or_demoted()
    {
        var adminId = (await Me(_api.AdminKey)).GetProperty("id").GetGuid();
        await using (var scope = _api.Services.CreateAsyncScope())
        {
            // Other tests may have made admins: leave only the bootstrap admin enabled.
            var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
            foreach (var other in await db.Set<User>().Where(u => u.RoleId == Role.AdminId && u.Id != new Media.Domain.Common.UserId(adminId)).ToListAsync(Ct)) other.Disable();
            await db.SaveChangesAsync(Ct);
        }
        foreach (var (method, body) in new (string, object?)[] { ("PUT", new { disabled = true }), ("PUT", new { role = "Manager" }), ("DELETE", null) })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/v1/users/{adminId}");
            if (body is not null) request.Content = JsonContent.Create(body);
            using var response = await _admin.SendAsync(request, Ct);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), method);
            Assert.That((await response.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("user.last_admin"));
        }

        var second = await CreateUser("second-admin", "Admin");
        using var demoted = await _admin.PutAsJsonAsync($"/v1/users/{adminId}", new { role = "Manager" }, Ct);
        Assert.That(demoted.StatusCode, Is.EqualTo(HttpStatusCode.OK), "with another admin, the first may step down");
        using var secondClient = _api.ClientWithKey(second.GetProperty("apiKey").GetString()!);
        using var restored = await secondClient.PutAsJsonAsync($"/v1/users/{adminId}", new { role = "Admin" }, Ct);
        Assert.That(restored.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Roles_list_their_permissions()
    {
        var roles = await _admin.GetFromJsonAsync<JsonElement>("/v1/roles", Ct);
        var byName = roles.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("permissions").GetArrayLength());
        Assert.That(byName, Is.EquivalentTo(new Dictionary<string, int> { ["Admin"] = 7, ["Manager"] = 5, ["Viewer"] = 1 }));
    }

    [Test]
    public async Task Settings_are_typed_validated_and_secrets_are_write_only()
    {
        var all = await _admin.GetFromJsonAsync<JsonElement>("/v1/settings", Ct);
        var language = all.EnumerateArray().Single(s => s.GetProperty("key").GetString() == "tmdb.language");
        Assert.That((language.GetProperty("value").GetString(), language.GetProperty("isSet").GetBoolean()), Is.EqualTo(("en-US", false)));

        using (var put = await _admin.PutAsJsonAsync("/v1/settings/tmdb.language", new { value = "fr-FR" }, Ct))
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using (var put = await _admin.PutAsJsonAsync("/v1/settings/scan.intervalMinutes", new { value = 60 }, Ct))
            Assert.That((await put.JsonAsync()).GetProperty("value").GetInt32(), Is.EqualTo(60));
        using (var put = await _admin.PutAsJsonAsync("/v1/settings/tmdb.apiKey", new { value = "abcdef0123456789abcdef0123456789" }, Ct))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await put.Content.ReadAsStringAsync(Ct), Does.Not.Contain("abcdef0123456789"));
        }
        var text = await _admin.GetStringAsync("/v1/settings", Ct);
        Assert.That(text, Does.Not.Contain("abcdef0123456789"), "a secret is never shown");
        var after = JsonDocument.Parse(text).RootElement.EnumerateArray().ToDictionary(s => s.GetProperty("key").GetString()!);
        Assert.That(after["tmdb.language"].GetProperty("value").GetString(), Is.EqualTo("fr-FR"));
        Assert.That(after["tmdb.apiKey"].GetProperty("isSet").GetBoolean());
        Assert.That(after["tmdb.apiKey"].GetProperty("value").ValueKind, Is.EqualTo(JsonValueKind.Null));

        var tmdb = _api.Services.GetRequiredService<Media.Application.Metadata.IMetadataSource>();
        Assert.That(tmdb.IsConfigured, "the key set through the API is what the TMDB adapter uses");

        using var viewer = _api.ClientWithKey(await _api.UserWithRoleAsync(Role.ViewerId));
        Assert.That((await viewer.GetAsync("/v1/settings", Ct)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}

/// <summary>Login failures are throttled per user and per client address (a host of its own: the counts are global).</summary>
public sealed class LoginThrottleTests
{
    [Test]
    public async Task Too_many_failures_lock_out_the_user_and_then_the_address()
    {
        var ct = TestContext.CurrentContext.CancellationToken;
        await using var api = await MediaApiFactory.CreateAsync(Provider.Sqlite);
        using var admin = api.Admin();
        using (var created = await admin.PostAsJsonAsync("/v1/users", new { username = "target", password = "the real password", role = "Viewer" }, ct))
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        using var client = api.CreateClient();

        for (var i = 0; i < 5; i++)
            using (var failed = await client.PostAsJsonAsync("/v1/auth/login", new { username = "target", password = "guess " + i }, ct))
                Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using (var locked = await client.PostAsJsonAsync("/v1/auth/login", new { username = "target", password = "the real password" }, ct))
        {
            Assert.That(locked.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "even the right password waits");
            Assert.That(locked.Headers.RetryAfter, Is.Not.Null);
        }

        for (var i = 0; i < 15; i++)
            using (await client.PostAsJsonAsync("/v1/auth/login", new { username = $"someone-{i}", password = "wrong password" }, ct)) { }
        using var address = await client.PostAsJsonAsync("/v1/auth/login", new { username = "someone-else", password = "wrong password" }, ct);
        Assert.That(address.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the address is locked out after 20 failures");
    }

    [Test]
    public async Task Parallel_wrong_passwords_are_counted_before_the_check_so_at_most_five_are_checked()
    {
        var ct = TestContext.CurrentContext.CancellationToken;
        await using var api = await MediaApiFactory.CreateAsync(Provider.Sqlite);
        using var admin = api.Admin();
        using (var created = await admin.PostAsJsonAsync("/v1/users", new { username = "parallel", password = "the real password", role = "Viewer" }, ct))
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var clients = Enumerable.Range(0, 40).Select(_ => api.CreateClient()).ToList();
        using var start = new SemaphoreSlim(0);
        var guesses = clients.Select(async (client, i) =>
        {
            await start.WaitAsync(ct);
            using var response = await client.PostAsJsonAsync("/v1/auth/login", new { username = "parallel", password = $"guess number {i}" }, ct);
            return response.StatusCode;
        }).ToList();
        start.Release(guesses.Count);
        var answers = await Task.WhenAll(guesses);
        foreach (var client in clients) client.Dispose();

        Assert.That(answers.Count(a => a == HttpStatusCode.Unauthorized), Is.LessThanOrEqualTo(LoginThrottleLimit), "passwords checked");
        Assert.That(answers.Where(a => a != HttpStatusCode.Unauthorized), Has.All.EqualTo(HttpStatusCode.TooManyRequests));
        using var right = await api.CreateClient().PostAsJsonAsync("/v1/auth/login", new { username = "parallel", password = "the real password" }, ct);
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the user is locked out");
    }

    private const int LoginThrottleLimit = 5;
}
