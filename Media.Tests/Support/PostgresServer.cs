using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Media.Tests.Support;

/// <summary>
/// A real PostgreSQL for tests: MEDIA_TEST_POSTGRES (a connection string) when set; else a Testcontainers
/// container when a Docker engine answers; else a throwaway cluster from the machine's own binaries
/// (Debian's postgresql package), in a temp folder, on a free port, removed afterwards.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => StartAsync());

    private readonly List<string> _databases = [];
    private readonly Func<Task> _stop;
    private readonly bool _throwaway;

    private PostgresServer(string adminConnectionString, Func<Task> stop, bool throwaway) =>
        (AdminConnectionString, _stop, _throwaway) = (adminConnectionString, stop, throwaway);

    public string AdminConnectionString { get; }

    /// <summary>One server for the whole test run; <see cref="PostgresSetUp"/> stops it at the end.</summary>
    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    internal static bool SharedStarted => Shared.IsValueCreated;

    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        if (Environment.GetEnvironmentVariable("MEDIA_TEST_POSTGRES") is { Length: > 0 } external)
            return new PostgresServer(external, () => Task.CompletedTask, throwaway: false);
        if (await TryContainerAsync(ct) is { } container) return container;
        return await StartLocalClusterAsync(ct);
    }

    /// <summary>A new empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken ct = default)
    {
        name ??= $"media_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        lock (_databases) _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 20 }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // A throwaway server goes with its databases; dropping hundreds first (each DROP DATABASE waits for a
        // checkpoint) is time spent for nothing.
        if (!_throwaway) await DropDatabasesAsync();
        await _stop();
    }

    // On a shared external server the test databases must not pile up; on a throwaway one this is quick anyway.
    private async Task DropDatabasesAsync()
    {
        string[] names;
        lock (_databases) names = [.. _databases];
        if (names.Length == 0) return;
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync();
            foreach (var name in names)
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException) { /* the server is going away in any case */ }
    }

    private static async Task<PostgresServer?> TryContainerAsync(CancellationToken ct)
    {
        try
        {
            var container = new PostgreSqlBuilder("postgres:16-alpine").Build();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            await container.StartAsync(timeout.Token);
            return new PostgresServer(container.GetConnectionString(), async () => await container.DisposeAsync(), throwaway: true);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // No Docker engine (DockerUnavailableException, at once) or no image: use the local binaries.
            TestContext.Progress.WriteLine($"PostgreSQL: no container ({e.GetType().Name}); starting a local cluster.");
            return null;
        }
    }

    private static async Task<PostgresServer> StartLocalClusterAsync(CancellationToken ct)
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "No PostgreSQL binaries (initdb, pg_ctl): install Debian's postgresql package, or set MEDIA_TEST_POSTGRES.");
        var folder = Path.Combine(Path.GetTempPath(), $"media-pg-{Guid.NewGuid():N}");
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(folder);
        // initdb and postgres refuse to run as root: then the cluster belongs to the postgres user.
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null) await RunAsync("chown", ["-R", $"{runAs}:{runAs}", folder], null, ct);

        var port = FreePort();
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], runAs, ct);
        var options = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " +
                      "-c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB";
        var log = Path.Combine(folder, "server.log");
        try
        {
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start"], runAs, ct);
        }
        catch (InvalidOperationException e)
        {
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log, ct) : "(no log)";
            throw new InvalidOperationException($"{e.Message}\nServer log:\n{serverLog}", e);
        }

        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", Pooling = true,
        }.ConnectionString;
        await using (var check = new NpgsqlConnection(connectionString)) await check.OpenAsync(ct);

        return new PostgresServer(connectionString, throwaway: true, stop: async () =>
        {
            try { await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], runAs, CancellationToken.None); }
            finally { Directory.Delete(folder, recursive: true); }
        });
    }

    private static string? FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            : Enumerable.Empty<string>();
        if (versions.FirstOrDefault() is { } newest) return Path.Combine(newest, "bin");
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, string[] arguments, string? runAs, CancellationToken ct)
    {
        var start = new ProcessStartInfo(runAs is null ? program : "runuser")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (runAs is not null) foreach (var a in new[] { "-u", runAs, "--", program }) start.ArgumentList.Add(a);
        foreach (var a in arguments) start.ArgumentList.Add(a);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish in time.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }
}
