using System.Data.Common;
using Media.Infrastructure.Persistence;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Persistence;

[TestFixture(Provider.Postgres), TestFixture(Provider.Sqlite)]
public sealed class MigrationTests(Provider provider) : DatabaseTest(provider)
{
    private static readonly string[] Groups =
    [
        "0001_extensions_auth", "0002_seed_roles_permissions", "0003_settings", "0004_library", "0005_media",
        "0006_policy_name_template", "0007_downloader", "0008_download_job", "0009_api_cache",
        // later migrations, after the seed's nine groups
        "0010_scan", "0011_unmatched_count", "0012_seed_name_templates", "0013_download_job_concurrency", "0014_scan_correctness", "0015_blob_storage", "0016_instances", "0017_file_identity", "0018_stream_metadata", "0019_tmdb_overview", "0020_read_indexes", "0021_state_fillfactor", "0022_queue_version", "0023_title_search", "0024_list_counts", "0025_list_indexes",
    ];

    // The seed's tables and the columns it names (a subset of what each table has).
    private static readonly Dictionary<string, string[]> Tables = new()
    {
        ["permission"] = ["code"],
        ["role"] = ["id", "name"],
        ["role_permission"] = ["role_id", "permission_code"],
        ["app_user"] = ["id", "username", "password_hash", "api_key_hash", "role_id"],
        ["app_setting"] = ["key", "value"],
        ["library"] = ["id", "name", "kind", "storage_provider", "storage_root"],
        ["media_item"] = ["id", "type", "tmdb_id", "title", "original_title", "year"],
        ["season"] = ["id", "media_item_id", "season_number"],
        ["episode"] = ["id", "season_id", "episode_number", "title", "air_date"],
        ["media_file"] = ["id", "library_id", "media_item_id", "episode_id", "path", "created_at"],
        ["media_file_state"] = ["media_file_id", "file_exists", "file_size", "last_verified_at"],
        ["media_file_import"] = ["id", "media_file_id", "download_job_id", "method", "source_path", "destination_path", "succeeded", "error_code", "error", "attempted_at"],
        ["unmatched_file"] = ["id", "library_id", "path", "size", "discovered_at", "suggestions", "status", "resolved_at", "media_file_id"],
        ["policy"] = ["id", "library_id", "name"],
        ["rule"] = ["id", "policy_id", "kind", "value"],
        ["action"] = ["id", "policy_id", "kind", "value"],
        ["name_template"] = ["id", "name", "kind", "pattern"],
        ["downloader"] = ["id", "name", "kind", "url", "username", "protected_password", "enabled"],
        ["download_job"] = ["id", "media_item_id", "library_id", "downloader_id", "source", "status", "progress"],
        ["download_job_episode"] = ["download_job_id", "episode_id"],
        ["api_cache"] = ["key", "value", "expires_at"],
        ["scan"] = ["library_id", "folder", "status", "files_seen", "files_identified", "files_unmatched", "files_missing", "heartbeat_at"],
    };

    [Test]
    public async Task AllNineGroupsApplied_InOrder()
    {
        var applied = (await Get<MediaDbContext>().Database.GetAppliedMigrationsAsync(Ct)).ToList();
        Assert.That(applied.Select(m => m[(m.IndexOf('_') + 1)..]), Is.EqualTo(Groups));
        Assert.That(await Get<MediaDbContext>().Database.GetPendingMigrationsAsync(Ct), Is.Empty);
    }

    [Test]
    public async Task Schema_HasTheSeedsTablesAndColumns()
    {
        foreach (var (table, columns) in Tables)
            Assert.That(await ColumnsOf(table), Is.SupersetOf(columns), table);
    }

    [Test]
    public async Task Schema_LacksWhatTheSeedRemoved()
    {
        Assert.That(await ColumnsOf("media_file"), Has.None.EqualTo("season_id").And.None.EqualTo("status"));
        Assert.That(await ColumnsOf("download_job"), Has.None.EqualTo("season_id"));
    }

    [Test]
    public async Task Schema_HasTheUniqueIndexes()
    {
        var indexes = await UniqueIndexes();
        Assert.That(indexes, Is.SupersetOf(new[]
        {
            "ix_media_item_type_tmdb_id", "ix_media_file_library_id_path_hash", "ix_unmatched_file_library_id_path_hash", "ix_library_storage_root",
        }));
    }

    [Test]
    public async Task Suggestions_AreJsonb_OnPostgres()
    {
        if (Provider != Provider.Postgres) Assert.Ignore("SQLite stores JSON as text.");
        var type = await Scalar("SELECT data_type FROM information_schema.columns WHERE table_name = 'unmatched_file' AND column_name = 'suggestions'");
        Assert.That(type, Is.EqualTo("jsonb"));
    }

    [Test]
    public async Task FileStates_LeaveRoomInEachPage_ForTheScansUpdates_OnPostgres()
    {
        if (Provider != Provider.Postgres) Assert.Ignore("SQLite has no fill factor.");
        var options = await Scalar("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'media_file_state'");
        Assert.That(options, Does.Contain("fillfactor=70"), "a scan's last_verified_at updates stay in their page (HOT), no index written");
    }

    [Test]
    public async Task SeveralInstancesMigratingAtOnce_AllSucceed()
    {
        var (connectionString, directory) = await TestDatabases.CreateAsync(Provider);
        try
        {
            var instances = Enumerable.Range(0, 4).Select(_ => TestDatabases.Services(Provider, connectionString)).ToList();
            await Task.WhenAll(instances.Select(async services =>
            {
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(Ct);
            }));
            await using var check = instances[0].CreateAsyncScope();
            var applied = await check.ServiceProvider.GetRequiredService<MediaDbContext>().Database.GetAppliedMigrationsAsync(Ct);
            Assert.That(applied.Count(), Is.EqualTo(Groups.Length));
            foreach (var instance in instances) await instance.DisposeAsync();
        }
        finally
        {
            TestDatabases.DeleteSqlite(directory);
        }
    }

    [Test]
    public async Task PathKeys_OfExistingRows_AreComputedByTheDatabaseAsTheDomainDoes()
    {
        // Migration 0014 fills path_hash of existing rows in SQL: the database's hash must be the domain's.
        const string path = "Heat (1995)\\Heat (1995) – 東京.mkv";
        var hex = await Scalar(Provider == Provider.Postgres
            ? $"SELECT encode(sha256(convert_to('{path}', 'UTF8')), 'hex')"
            : $"SELECT lower(hex(media_sha256('{path}')))");
        Assert.That(hex, Is.EqualTo(Convert.ToHexStringLower(Media.Domain.Common.PathKey.Of(path))));
    }

    private async Task<List<string>> ColumnsOf(string table) => await Strings(Provider == Provider.Postgres
        ? $"SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}'"
        : $"SELECT name FROM pragma_table_info('{table}')");

    private async Task<List<string>> UniqueIndexes() => await Strings(Provider == Provider.Postgres
        ? "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE INDEX%'"
        : "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE 'CREATE UNIQUE INDEX%'");

    private async Task<string?> Scalar(string sql) => (await Strings(sql)).SingleOrDefault();

    private async Task<List<string>> Strings(string sql)
    {
        var database = Get<MediaDbContext>().Database;
        await database.OpenConnectionAsync(Ct); // through EF, so that its connection interceptors run
        var connection = database.GetDbConnection();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) values.Add(reader.GetString(0));
        return values;
    }
}
