using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Media.Tests.Api;

/// <summary>How the host starts and what it logs by default.</summary>
public sealed class HostingTests
{
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [Test]
    public async Task Started_from_another_working_directory_the_app_finds_its_appsettings()
    {
        var app = Path.Combine(Path.GetDirectoryName(typeof(Program).Assembly.Location)!, "Media.Api.dll");
        var elsewhere = Path.Combine(Path.GetTempPath(), $"media-cwd-{Guid.NewGuid():N}");
        Directory.CreateDirectory(elsewhere);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [app, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = elsewhere, RedirectStandardOutput = true, RedirectStandardError = true,
            Environment =
            {
                ["Media__DataDirectory"] = Path.Combine(elsewhere, "data"),
                ["Auth__BootstrapApiKey"] = "hosting-test-key-0123456789abcdef",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            },
        };
        start.Environment.Remove("ASPNETCORE_CONTENTROOT");
        start.Environment.Remove("DOTNET_CONTENTROOT");
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.Contains("Now listening on", StringComparison.Ordinal)) break;
            }
            Assert.That(lines, Has.Some.Contains("Now listening on"), string.Join("\n", lines) + await ErrorsAsync(process));
            Assert.That(lines, Has.All.StartWith("{"), "appsettings.json was read: the console logs are JSON\n" + string.Join("\n", lines));
            Assert.That(lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Category").GetString()),
                Has.None.StartsWith("Microsoft.EntityFrameworkCore.Database.Command"), "no SQL at Information");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Test]
    public async Task HttpClient_and_Polly_are_quiet_by_default()
    {
        await using var api = await MediaApiFactory.CreateAsync(Provider.Sqlite);
        var loggers = api.Services.GetRequiredService<ILoggerFactory>();
        foreach (var category in new[] { "System.Net.Http.HttpClient.tmdb.LogicalHandler", "System.Net.Http.HttpClient.tmdb.ClientHandler", "Polly" })
        {
            Assert.That(loggers.CreateLogger(category).IsEnabled(LogLevel.Information), Is.False, category);
            Assert.That(loggers.CreateLogger(category).IsEnabled(LogLevel.Warning), Is.True, category);
        }
    }

    private static async Task<string> ErrorsAsync(Process process)
    {
        if (!process.HasExited) return "";
        return "\n" + await process.StandardError.ReadToEndAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
