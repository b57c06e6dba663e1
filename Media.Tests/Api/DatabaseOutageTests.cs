using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Media.Tests.Support;
using Npgsql;

namespace Media.Tests.Api;

/// <summary>PostgreSQL goes away while the API runs: requests answer 503 with Retry-After, not 500; they work again when it is back.</summary>
public sealed class DatabaseOutageTests
{
    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;

    [Test]
    public async Task While_the_database_is_down_requests_are_503_with_retry_after()
    {
        var server = await PostgresServer.SharedAsync();
        var real = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync(ct: Ct));
        await using var line = await TcpLine.OpenAsync(real.Host!, real.Port);
        var through = new NpgsqlConnectionStringBuilder(real.ConnectionString) { Host = "127.0.0.1", Port = line.Port, Timeout = 3 }.ConnectionString;
        await using var api = MediaApiFactory.ForDatabase(Provider.Postgres, through);
        using var admin = api.Admin();
        var scan = $"/v1/scans/{Guid.NewGuid()}";
        using (var up = await admin.GetAsync(scan, Ct))
            Assert.That(up.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the database answers: an unknown scan");

        line.Cut();
        var clock = Stopwatch.StartNew();
        using (var down = await admin.GetAsync(scan, Ct))
        {
            var body = await down.Content.ReadAsStringAsync(Ct);
            Assert.That(down.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
            Assert.That(down.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero), "Retry-After says when to ask again");
            Assert.That(down.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That((await down.JsonAsync()).GetProperty("code").GetString(), Is.EqualTo("database.unavailable"));
        }
        TestContext.Out.WriteLine($"503 after {clock.Elapsed}");
        using (var ready = await admin.GetAsync("/health/ready", Ct))
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));

        line.Restore();
        NpgsqlConnection.ClearAllPools();
        using (var back = await admin.GetAsync(scan, Ct))
            Assert.That(back.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the database is back");
    }

    /// <summary>A TCP relay to the database that can be cut (an outage: connections drop, new ones are refused) and restored.</summary>
    private sealed class TcpLine : IAsyncDisposable
    {
        private readonly string _host;
        private readonly int _target;
        private readonly List<TcpClient> _open = [];
        private TcpListener _listener;
        private CancellationTokenSource _stop = new();

        private TcpLine(string host, int target, TcpListener listener) => (_host, _target, _listener) = (host, target, listener);

        public int Port { get; private set; }

        public static Task<TcpLine> OpenAsync(string host, int target)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            var line = new TcpLine(host, target, listener);
            line.Listen();
            return Task.FromResult(line);
        }

        private void Listen()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            var listener = _listener;
            var stop = _stop.Token;
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try { client = await listener.AcceptTcpClientAsync(stop); }
                    catch (Exception) { return; }
                    _ = RelayAsync(client, stop);
                }
            });
        }

        private async Task RelayAsync(TcpClient client, CancellationToken stop)
        {
            using var upstream = new TcpClient();
            lock (_open) _open.AddRange([client, upstream]);
            try
            {
                await upstream.ConnectAsync(_host, _target, stop);
                var a = client.GetStream().CopyToAsync(upstream.GetStream(), stop);
                var b = upstream.GetStream().CopyToAsync(client.GetStream(), stop);
                await Task.WhenAny(a, b);
            }
            catch (Exception) { /* cut */ }
            finally { client.Dispose(); }
        }

        public void Cut()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_open)
            {
                foreach (var c in _open) c.Dispose();
                _open.Clear();
            }
        }

        public void Restore()
        {
            _stop = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            Listen();
        }

        public ValueTask DisposeAsync()
        {
            Cut();
            return ValueTask.CompletedTask;
        }
    }
}
