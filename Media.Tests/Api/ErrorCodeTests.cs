using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Media.Domain.Common;
using Media.Tests.Support;

namespace Media.Tests.Api;

/// <summary>
/// The error codes are part of the API's contract: which codes each operation can answer with, and one kind (so one
/// HTTP status) per code, wherever in the code base it is made.
/// </summary>
public static class ErrorCodes
{
    /// <summary>Any operation: a bad query or route value, and a database that cannot be reached.</summary>
    public static readonly IReadOnlyList<string> Everywhere = ["validation", "database.unavailable"];

    /// <summary>Any write: what the database's constraints say when two writers meet.</summary>
    public static readonly IReadOnlyList<string> Writes = ["concurrency.changed", "duplicate", "in_use"];

    /// <summary>The codes of each operation of the OpenAPI document, besides <see cref="Everywhere"/> (and <see cref="Writes"/> for writes).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ByOperation = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["GET /v1/libraries"] = [],
        ["POST /v1/libraries"] = ["library.duplicate_root", "library.nested_root"],
        ["GET /v1/libraries/{id}"] = ["library.not_found"],
        ["PUT /v1/libraries/{id}"] = ["library.not_found", "library.duplicate_root", "library.nested_root", "library.kind_change"],
        ["DELETE /v1/libraries/{id}"] = ["library.not_found"],
        ["POST /v1/libraries/{id}/scan"] = ["library.not_found", "scan.already_running"],
        ["GET /v1/scans"] = [],
        ["GET /v1/scans/{id}"] = ["scan.not_found"],
        ["GET /v1/system/instance"] = [],
        ["GET /v1/system/instances"] = [],
        ["GET /v1/parse"] = [],
        ["GET /v1/media-items"] = [],
        ["POST /v1/media-items"] = ["media_item.duplicate", "tmdb.unknown", "tmdb.unavailable", "season.duplicate", "episode.duplicate"],
        ["GET /v1/media-items/{id}"] = ["media_item.not_found"],
        ["GET /v1/media-files"] = [],
        ["GET /v1/media-files/missing-folders"] = [],
        ["GET /v1/name-templates/preview"] = [],
        ["GET /v1/metadata/search"] = ["tmdb.unavailable"],
        ["GET /v1/metadata/series/{tmdbId}/seasons"] = ["tmdb.unavailable", "tmdb.unknown"],
        ["GET /v1/media-files/{id}"] = ["media_file.not_found"],
        ["DELETE /v1/media-files/{id}"] = ["media_file.not_found", "media_file.exists"],
        ["GET /v1/imports"] = [],
        ["GET /v1/unmatched-files"] = [],
        ["GET /v1/unmatched-files/{id}"] = ["unmatched_file.not_found"],
        ["POST /v1/unmatched-files/{id}/match"] =
        [
            "unmatched_file.not_found", "unmatched_file.already_resolved", "unmatched_file.gone", "library.not_found", "tmdb.unknown",
            "tmdb.unknown_season", "tmdb.unknown_episode", "tmdb.unavailable", "media_file.duplicate_path", "media_item.duplicate",
            "season.duplicate", "episode.duplicate", "storage.unavailable",
        ],
        ["POST /v1/unmatched-files/{id}/dismiss"] = ["unmatched_file.not_found", "unmatched_file.already_resolved"],
        ["POST /v1/unmatched-files/{id}/refresh"] =
            ["unmatched_file.not_found", "unmatched_file.already_resolved", "library.not_found", "tmdb.unavailable", "unmatched_file.no_title"],
        ["POST /v1/auth/login"] = ["auth.failed", "auth.throttled"],
        ["GET /v1/me"] = [],
        ["GET /v1/users"] = [],
        ["POST /v1/users"] = ["user.duplicate"],
        ["GET /v1/users/{id}"] = ["user.not_found"],
        ["PUT /v1/users/{id}"] = ["user.not_found", "user.last_admin"],
        ["DELETE /v1/users/{id}"] = ["user.not_found", "user.last_admin"],
        ["POST /v1/users/{id}/rotate-key"] = ["user.not_found"],
        ["GET /v1/roles"] = [],
        ["GET /v1/settings"] = [],
        ["PUT /v1/settings/{key}"] = [],
        ["GET /v1/downloaders"] = [],
        ["POST /v1/downloaders"] = ["downloader.duplicate"],
        ["GET /v1/downloaders/{id}"] = ["downloader.not_found"],
        ["PUT /v1/downloaders/{id}"] = ["downloader.not_found", "downloader.duplicate"],
        ["DELETE /v1/downloaders/{id}"] = ["downloader.not_found"],
        ["POST /v1/downloaders/{id}/test"] = ["downloader.not_found", "downloader.unreachable"],
        ["GET /v1/download-jobs"] = [],
        ["POST /v1/download-jobs"] =
        [
            "download_job.unknown_media_item", "download_job.unknown_library", "download_job.unknown_downloader",
            "download_job.downloader_disabled", "policy.rejected", "downloader.unreachable",
        ],
        ["GET /v1/download-jobs/{id}"] = ["download_job.not_found"],
        ["DELETE /v1/download-jobs/{id}"] = ["download_job.not_found", "downloader.unreachable"],
        ["POST /v1/download-jobs/{id}/import"] = ["download_job.not_found", "download_job.status"],
        ["GET /v1/policies"] = [],
        ["POST /v1/policies"] = [],
        ["GET /v1/policies/{id}"] = ["policy.not_found"],
        ["PUT /v1/policies/{id}"] = ["policy.not_found"],
        ["DELETE /v1/policies/{id}"] = ["policy.not_found"],
        ["GET /v1/name-templates"] = [],
        ["POST /v1/name-templates"] = ["name_template.duplicate"],
        ["GET /v1/name-templates/{id}"] = ["name_template.not_found"],
        ["PUT /v1/name-templates/{id}"] = ["name_template.not_found", "name_template.duplicate"],
        ["DELETE /v1/name-templates/{id}"] = ["name_template.not_found"],
    };

    /// <summary>Every code <paramref name="operation"/> ("METHOD /template") may answer with.</summary>
    public static IReadOnlySet<string> Of(string operation)
    {
        var codes = new HashSet<string>(Everywhere, StringComparer.Ordinal);
        if (!operation.StartsWith("GET ", StringComparison.Ordinal)) codes.UnionWith(Writes);
        if (ByOperation.TryGetValue(operation, out var own)) codes.UnionWith(own);
        return codes;
    }
}

public sealed class ErrorCodeTests
{
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    /// <summary>Every "Error.Kind("code", ...)" in the sources, and the codes the host writes itself.</summary>
    private static List<(string Code, ErrorKind Kind, string Where)> CodesInSources()
    {
        var root = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Media.sln"))) root = root.Parent;
        Assert.That(root, Is.Not.Null, "the repository root");
        var made = new Regex(@"Error\.(NotFound|Conflict|Unprocessable|Unavailable)\(\s*""([a-z_.]+)""", RegexOptions.CultureInvariant);
        var found = new List<(string, ErrorKind, string)>();
        foreach (var project in new[] { "Media.Domain", "Media.Application", "Media.Infrastructure", "Media.Api" })
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root!.FullName, project), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        foreach (Match m in made.Matches(File.ReadAllText(file)))
            found.Add((m.Groups[2].Value, Enum.Parse<ErrorKind>(m.Groups[1].Value), Path.GetRelativePath(root.FullName, file)));
        return found;
    }

    [Test]
    public void A_code_has_one_kind_wherever_it_is_made()
    {
        var codes = CodesInSources();
        Assert.That(codes, Has.Count.GreaterThan(30), "the scan finds the codes");
        var mixed = codes.GroupBy(c => c.Code).Where(g => g.Select(c => c.Kind).Distinct().Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => $"{c.Kind} in {c.Where}").Distinct())}").ToList();
        Assert.That(mixed, Is.Empty);
        Assert.That(codes.Select(c => c.Code), Has.None.EqualTo("validation"), "validation is the code of every 400, never of another kind");
    }

    [Test]
    public async Task Every_operation_lists_its_codes_and_every_listed_code_exists()
    {
        await using var api = await MediaApiFactory.CreateAsync(Provider.Sqlite);
        using var client = api.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}")).ToList();
        Assert.That(operations.Except(ErrorCodes.ByOperation.Keys), Is.Empty, "operations without a list of codes");
        Assert.That(ErrorCodes.ByOperation.Keys.Except(operations), Is.Empty, "listed operations the API does not have");

        var known = CodesInSources().Select(c => c.Code).Concat(["validation", "auth.failed", "auth.throttled", "database.unavailable"]).ToHashSet();
        var unknown = ErrorCodes.ByOperation.SelectMany(o => o.Value.Concat(ErrorCodes.Everywhere).Concat(ErrorCodes.Writes).Select(c => (o.Key, Code: c)))
            .Where(c => !known.Contains(c.Code)).Select(c => $"{c.Key}: {c.Code}").ToList();
        Assert.That(unknown, Is.Empty, "listed codes nothing makes");
    }

    [Test]
    public async Task A_reference_in_a_body_to_something_unknown_is_422_with_its_own_code_not_the_404_of_a_path()
    {
        await using var api = await MediaApiFactory.CreateAsync(Provider.Sqlite);
        using var admin = api.Admin();
        using var response = await admin.PostAsync("/v1/download-jobs", JsonContent(new
        {
            mediaItemId = Guid.NewGuid(), libraryId = Guid.NewGuid(), downloaderId = Guid.NewGuid(),
            source = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567",
        }), Ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That((await response.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("download_job.unknown_media_item"));
        using var unknownItem = await admin.GetAsync($"/v1/media-items/{Guid.NewGuid()}", Ct);
        Assert.That(unknownItem.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await unknownItem.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("media_item.not_found"));
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, MediaApiFactory.Json), System.Text.Encoding.UTF8, "application/json");
}
