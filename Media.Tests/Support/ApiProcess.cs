using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Media.Tests.Support;

/// <summary>
/// The API as its own process (`dotnet Media.Api.dll`, the build output of Media.Api), on a loopback port: what
/// benchmarks measure (its CPU time and peak memory from /proc, apart from the test host) and what multi-instance
/// tests start several of.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringWriter _log = new();

    private ApiProcess(Process process, string baseUrl, string adminKey)
    {
        _process = process;
        BaseUrl = baseUrl;
        AdminKey = adminKey;
    }

    public string BaseUrl { get; }
    public string AdminKey { get; }
    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote (standard output and error), for a failure message.</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>Starts the API on PostgreSQL with these settings (configuration keys, as environment variables) and waits until it is ready.</summary>
    public static async Task<ApiProcess> StartAsync(string connectionString, string adminKey, IReadOnlyDictionary<string, string?> settings, CancellationToken ct)
    {
        var port = FreePort();
        var dll = ApiAssembly();
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.Environment["Database__Provider"] = "postgres";
        info.Environment["ConnectionStrings__Media"] = connectionString;
        info.Environment["Auth__BootstrapApiKey"] = adminKey;
        info.Environment["Media__DataDirectory"] = Path.Combine(Path.GetTempPath(), $"media-api-{Guid.NewGuid():N}");
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Watcher__Enabled"] = "false"; // on only where a test or benchmark asks for it
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var api = new ApiProcess(process, $"http://127.0.0.1:{port}", adminKey);
        process.OutputDataReceived += (_, e) => api.Append(e.Data);
        process.ErrorDataReceived += (_, e) => api.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) throw new InvalidOperationException($"The API exited ({process.ExitCode}):\n{api.Log}");
            try
            {
                using var ready = await probe.GetAsync($"{api.BaseUrl}/health/ready", ct);
                if (ready.StatusCode == HttpStatusCode.OK) return api;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // slow to answer while it migrates
            }
            await Task.Delay(200, ct);
        }
        await api.DisposeAsync();
        throw new TimeoutException($"The API was not ready within a minute:\n{api.Log}");
    }

    public HttpClient Admin() => new() { BaseAddress = new Uri(BaseUrl), DefaultRequestHeaders = { { "X-Api-Key", AdminKey } }, Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>CPU seconds the process has used (user + system), from /proc/[pid]/stat.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command: state is field 3, utime 14 and stime 15 (1-based), in clock ticks of 1/100 s.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    /// <summary>The process's peak resident set (VmHWM) in MB; <see cref="ResetPeak"/> starts it again from now.</summary>
    public double PeakRssMb()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kb = line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return Math.Round(kb / 1024.0, 1);
    }

    public void ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // not allowed here: the peak then counts from the start
        }
    }

    /// <summary>Kills the process at once, as a crash or `kill -9` would.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
    }

    /// <summary>Kills the process (SIGKILL) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        Kill();
        await _process.ExitedWithinAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.ExitedWithinAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Media.Api.dll as built beside this test assembly's configuration (Media.Api/bin/{Debug|Release}/net10.0).</summary>
    private static string ApiAssembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent?.Name ?? "Release"; // .../bin/Release/net10.0/
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Media.Api", "bin", configuration, here.Name, "Media.Api.dll");
            if (File.Exists(Path.Combine(dir.FullName, "Media.sln")) && File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("Media.Api.dll was not found: build the solution first.");
    }
}
