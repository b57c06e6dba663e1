using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Media.Infrastructure.Storage;

namespace Media.Tests.Support;

/// <summary>
/// Azurite, Microsoft's Azure Storage emulator (npm package azurite 3.37.0, installed by build.ps1 test into
/// .tools/azurite), blob service only, on 127.0.0.1 at a free port, storing in a temp folder. One for the whole run;
/// it is stopped with SIGKILL (it ignores gentler signals). MEDIA_TEST_AZURITE may name the azurite-blob executable.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string Account = "devstoreaccount1";
    // Azurite's fixed, public development key (documented by Microsoft; not a secret).
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<Task<Azurite>> Shared = new(StartAsync);

    private readonly Process _process;
    private readonly string _directory;

    private Azurite(Process process, string directory, int port) => (_process, _directory, Port) = (process, directory, port);

    public int Port { get; }
    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{Account}";
    public string ConnectionString => ConnectionStringWith(AccountKey);

    public string ConnectionStringWith(string key, string? endpoint = null) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={key};BlobEndpoint={endpoint ?? BlobEndpoint};";

    /// <summary>A client with the same pinned service version as the adapter.</summary>
    public BlobServiceClient Client() => new(ConnectionString, new BlobClientOptions(AzureBlobClients.Version));

    internal static bool SharedStarted => Shared.IsValueCreated;

    /// <summary>The azurite-blob executable, or null with the reason it cannot be found.</summary>
    public static (string? Path, string? Missing) Executable()
    {
        if (Environment.GetEnvironmentVariable("MEDIA_TEST_AZURITE") is { Length: > 0 } configured)
            return File.Exists(configured) ? (configured, null) : (null, $"MEDIA_TEST_AZURITE names '{configured}', which does not exist.");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var local = Path.Combine(dir.FullName, ".tools", "azurite", "node_modules", ".bin", "azurite-blob");
            if (File.Exists(local)) return (local, null);
            if (File.Exists(Path.Combine(dir.FullName, "Media.sln"))) break;
        }
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(folder, "azurite-blob"))) return (Path.Combine(folder, "azurite-blob"), null);
        return (null, "Azurite is not installed: build.ps1 test installs it (npm install --prefix .tools/azurite azurite@3.37.0; node and npm from Debian).");
    }

    /// <summary>The shared emulator; the test is ignored, saying why, where Azurite cannot be found.</summary>
    public static Task<Azurite> SharedAsync()
    {
        if (Executable().Missing is { } missing) Assert.Ignore(missing);
        return Shared.Value;
    }

    /// <summary>A new empty container; its name.</summary>
    public async Task<string> NewContainerAsync()
    {
        var name = $"media-{Guid.NewGuid():N}"[..30];
        await Client().GetBlobContainerClient(name).CreateAsync();
        return name;
    }

    private static async Task<Azurite> StartAsync()
    {
        var (executable, missing) = Executable();
        if (executable is null) throw new InvalidOperationException(missing);
        var directory = Path.Combine(Path.GetTempPath(), $"media-azurite-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", directory, "--silent", "--disableTelemetry" })
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var azurite = new Azurite(process, directory, port);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await azurite.Client().GetPropertiesAsync();
                return azurite;
            }
            catch (Exception) when (clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                await Task.Delay(250);
            }
            catch (Exception e)
            {
                await azurite.DisposeAsync();
                string said;
                lock (output) said = output.ToString();
                throw new InvalidOperationException($"Azurite did not come up: {e.Message}\n{said}", e);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the shared emulator at the end of the run.</summary>
    internal static async Task StopSharedAsync()
    {
        if (SharedStarted && Shared.Value.IsCompletedSuccessfully) await (await Shared.Value).DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true); // SIGKILL
                await _process.ExitedWithinAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
    }
}
