using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Media.Application.Downloads;
using Media.Domain.Downloads;

namespace Media.Tests.Support;

/// <summary>
/// A real BitTorrent daemon from Debian's packages (transmission-daemon or qbittorrent-nox), on 127.0.0.1 only,
/// with a temporary configuration and no DHT, LPD, PEX or port mapping: it can only verify local data.
/// </summary>
public sealed class TorrentDaemon : IAsyncDisposable
{
    private readonly Process _process;

    private TorrentDaemon(DownloaderKind kind, Process process, string directory, DownloaderConnection connection)
    {
        (Kind, _process, Directory, Connection) = (kind, process, directory, connection);
    }

    public DownloaderKind Kind { get; }
    public string Directory { get; }
    public DownloaderConnection Connection { get; }
    public string DataDirectory => Path.Combine(Directory, "data");

    public static bool Installed(DownloaderKind kind) =>
        File.Exists(kind == DownloaderKind.Transmission ? "/usr/bin/transmission-daemon" : "/usr/bin/qbittorrent-nox");

    public static async Task<TorrentDaemon> StartAsync(DownloaderKind kind, IDownloadClientFactory clients)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"media-{kind.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "data"));
        var (port, peer) = (FreePort(), FreePort());
        Process process;
        DownloaderConnection connection;
        if (kind == DownloaderKind.Transmission)
        {
            var config = Path.Combine(directory, "config");
            System.IO.Directory.CreateDirectory(config);
            await File.WriteAllTextAsync(Path.Combine(config, "settings.json"), $$"""
                {
                  "rpc-enabled": true, "rpc-port": {{port}}, "rpc-bind-address": "127.0.0.1",
                  "rpc-authentication-required": true, "rpc-username": "media", "rpc-password": "secret",
                  "rpc-whitelist-enabled": false, "rpc-host-whitelist-enabled": false,
                  "dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "port-forwarding-enabled": false,
                  "utp-enabled": false, "peer-port": {{peer}}, "peer-port-random-on-start": false,
                  "download-dir": "{{Path.Combine(directory, "data")}}", "incomplete-dir-enabled": false, "message-level": 1
                }
                """);
            process = Start("/usr/bin/transmission-daemon", ["--foreground", "--config-dir", config]);
            connection = new DownloaderConnection(kind, new Uri($"http://127.0.0.1:{port}/"), "media", "secret");
        }
        else
        {
            var config = Path.Combine(directory, "profile", "qBittorrent", "config");
            System.IO.Directory.CreateDirectory(config);
            await File.WriteAllTextAsync(Path.Combine(config, "qBittorrent.conf"), $"""
                [LegalNotice]
                Accepted=true

                [BitTorrent]
                Session\DHTEnabled=false
                Session\PeXEnabled=false
                Session\LSDEnabled=false
                Session\Port={peer}
                Session\DefaultSavePath={Path.Combine(directory, "data")}

                [Preferences]
                WebUI\Port={port}
                WebUI\Address=127.0.0.1
                WebUI\LocalHostAuth=true
                WebUI\CSRFProtection=true
                WebUI\HostHeaderValidation=false
                Connection\UPnP=false
                Downloads\SavePath={Path.Combine(directory, "data")}
                """);
            process = Start("/usr/bin/qbittorrent-nox", [$"--profile={Path.Combine(directory, "profile")}", $"--webui-port={port}"]);
            connection = new DownloaderConnection(kind, new Uri($"http://127.0.0.1:{port}/"), "admin", "adminadmin");
        }

        var daemon = new TorrentDaemon(kind, process, directory, connection);
        var client = clients.For(connection);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await client.TestAsync(CancellationToken.None);
                return daemon;
            }
            catch (DownloadClientException) when (clock.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                await Task.Delay(200);
            }
            catch (DownloadClientException e)
            {
                await daemon.DisposeAsync();
                throw new InvalidOperationException($"{kind} did not come up: {e.Message}", e);
            }
        }
    }

    /// <summary>A .torrent of local data, made with transmission-create (the tracker is never asked).</summary>
    public static async Task<byte[]> MakeTorrentAsync(string data)
    {
        var output = Path.Combine(Path.GetTempPath(), $"media-{Guid.NewGuid():N}.torrent");
        using var create = Start("/usr/bin/transmission-create", ["-o", output, "-p", "-t", "http://127.0.0.1:9/announce", data]);
        await create.FinishWithinAsync(TimeSpan.FromMinutes(1), "transmission-create");
        if (create.ExitCode != 0) throw new InvalidOperationException($"transmission-create failed ({create.ExitCode}).");
        var bytes = await File.ReadAllBytesAsync(output);
        File.Delete(output);
        return bytes;
    }

    private static Process Start(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.ExitedWithinAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
