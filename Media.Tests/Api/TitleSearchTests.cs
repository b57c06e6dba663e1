using System.Net.Http.Json;
using System.Text.Json;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Api;

/// <summary>
/// `GET /v1/media-items?q=` finds titles and original titles by any part, whatever the case, from what the database
/// keeps for searching (migration 0023); a % or _ in the text is that character, not a wildcard.
/// </summary>
[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class TitleSearchTests(Provider provider)
{
    private MediaApiFactory _api = null!;
    private HttpClient _admin = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = await MediaApiFactory.CreateAsync(provider);
        _admin = _api.Admin();
        var at = DateTimeOffset.UtcNow;
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        var tmdb = 70_000;
        foreach (var (title, original) in new (string, string?)[]
                 {
                     ("The Matrix", "Matrix"), ("Amélie", "Le Fabuleux Destin d'Amélie Poulain"), ("100% Wolf", null), ("1000 Ways to Die", null),
                     ("Under_score", null), ("Undersea", null), ("Back\\Slash", null), ("Backslash", null),
                 })
            db.Add(MediaItem.Create(MediaType.Movie, tmdb++, title, original, 2000, at));
        await db.SaveChangesAsync(Ct);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
    }

    [TestCase("MATR", new[] { "The Matrix" })]
    [TestCase("fabuleux", new[] { "Amélie" })]
    [TestCase("  wolf ", new[] { "100% Wolf" })]
    [TestCase("100%", new[] { "100% Wolf" })]
    [TestCase("under_", new[] { "Under_score" })]
    [TestCase("k\\s", new[] { "Back\\Slash" })]
    [TestCase("nothing like it", new string[0])]
    public async Task A_title_is_found_by_any_part_of_it_or_of_its_original_title(string q, string[] expected)
    {
        var body = await _admin.GetFromJsonAsync<JsonElement>($"/v1/media-items?sortKey=title&pageSize=50&q={Uri.EscapeDataString(q)}", MediaApiFactory.Json, Ct);
        var titles = body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()).ToList();
        Assert.That(titles, Is.EqualTo(expected));
        Assert.That(body.GetProperty("totalCount").GetInt32(), Is.EqualTo(expected.Length));
    }

    [Test]
    public async Task A_search_with_a_line_break_is_refused_so_it_never_spans_the_title_and_the_original_title()
    {
        using var response = await _admin.GetAsync($"/v1/media-items?q={Uri.EscapeDataString("matrix\nmatrix")}", Ct);
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.BadRequest));
    }
}
