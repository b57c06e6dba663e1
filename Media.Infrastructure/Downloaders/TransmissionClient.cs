using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Media.Application.Downloads;

namespace Media.Infrastructure.Downloaders;

/// <summary>
/// Transmission's JSON-RPC (/transmission/rpc): basic auth, and the X-Transmission-Session-Id handshake (a 409
/// answer carries the id to send again with).
/// </summary>
internal sealed class TransmissionClient(HttpClient http, DownloaderConnection connection) : IDownloadClient
{
    private const string SessionHeader = "X-Transmission-Session-Id";
    private static readonly string[] Fields = ["hashString", "name", "percentDone", "status", "downloadDir", "files", "error", "errorString"];
    private string? _session;

    private Uri Endpoint => new(connection.Url, connection.Url.AbsolutePath.TrimEnd('/').EndsWith("/transmission/rpc", StringComparison.Ordinal)
        ? connection.Url.AbsolutePath : connection.Url.AbsolutePath.TrimEnd('/') + "/transmission/rpc");

    public async Task<string> TestAsync(CancellationToken ct)
    {
        var session = await CallAsync("session-get", new JsonObject { ["fields"] = new JsonArray("version") }, ct);
        return $"Transmission {session["version"]?.GetValue<string>()}";
    }

    public async Task<string> AddAsync(TorrentSource source, string? savePath, CancellationToken ct)
    {
        var arguments = new JsonObject { ["paused"] = false };
        if (savePath is not null) arguments["download-dir"] = savePath;
        if (source.TorrentFile is { } file) arguments["metainfo"] = Convert.ToBase64String(file);
        else if (!string.IsNullOrWhiteSpace(source.Uri)) arguments["filename"] = source.Uri;
        else throw new DownloadClientException("A torrent needs a magnet URI, a .torrent URL or a .torrent file.");
        var added = await CallAsync("torrent-add", arguments, ct);
        var torrent = added["torrent-added"] ?? added["torrent-duplicate"]
                      ?? throw new DownloadClientException("Transmission did not say which torrent it added.");
        return torrent["hashString"]!.GetValue<string>().ToLowerInvariant();
    }

    public async Task<TorrentStatus?> GetAsync(string hash, CancellationToken ct)
    {
        var result = await CallAsync("torrent-get", new JsonObject { ["ids"] = new JsonArray(hash), ["fields"] = new JsonArray([.. Fields.Select(f => (JsonNode)f)]) }, ct);
        if (result["torrents"] is not JsonArray { Count: > 0 } torrents) return null;
        var t = torrents[0]!;
        var error = t["error"]?.GetValue<int>() is > 0 ? t["errorString"]?.GetValue<string>() : null;
        var progress = t["percentDone"]?.GetValue<double>() ?? 0;
        var state = error is not null ? TorrentState.Error : t["status"]?.GetValue<int>() switch
        {
            0 => progress >= 1 ? TorrentState.Completed : TorrentState.Paused,
            1 or 2 => TorrentState.Checking,
            3 => TorrentState.Queued,
            4 => TorrentState.Downloading,
            5 or 6 => TorrentState.Completed,
            _ => TorrentState.Queued,
        };
        var files = (t["files"] as JsonArray ?? []).Select(f => new TorrentFile(
            f!["name"]!.GetValue<string>(), f["length"]!.GetValue<long>(),
            f["length"]!.GetValue<long>() == 0 ? 1 : (double)f["bytesCompleted"]!.GetValue<long>() / f["length"]!.GetValue<long>())).ToList();
        return new TorrentStatus(t["hashString"]!.GetValue<string>().ToLowerInvariant(), t["name"]!.GetValue<string>(), progress, state,
            t["downloadDir"]!.GetValue<string>(), files, error);
    }

    public async Task RemoveAsync(string hash, CancellationToken ct) =>
        await CallAsync("torrent-remove", new JsonObject { ["ids"] = new JsonArray(hash), ["delete-local-data"] = false }, ct);

    private async Task<JsonNode> CallAsync(string method, JsonObject arguments, CancellationToken ct)
    {
        var body = new JsonObject { ["method"] = method, ["arguments"] = arguments }.ToJsonString();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (_session is not null) request.Headers.Add(SessionHeader, _session);
            if (connection.Username is not null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{connection.Username}:{connection.Password}")));
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ct);
            }
            catch (HttpRequestException e)
            {
                throw new DownloadClientException($"Transmission at {connection.Url} cannot be reached: {e.Message}", e);
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Conflict && response.Headers.TryGetValues(SessionHeader, out var ids))
                {
                    _session = ids.First(); // the handshake: send again with the session id
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.Unauthorized) throw new DownloadClientException("Transmission refused the username or password.");
                if (!response.IsSuccessStatusCode) throw new DownloadClientException($"Transmission answered {(int)response.StatusCode}.");
                var answer = await response.Content.ReadFromJsonAsync<JsonNode>(ct) ?? throw new DownloadClientException("Transmission sent an empty answer.");
                var result = answer["result"]?.GetValue<string>();
                if (result != "success") throw new DownloadClientException($"Transmission: {result}");
                return answer["arguments"] ?? new JsonObject();
            }
        }
        throw new DownloadClientException("Transmission kept refusing the session id.");
    }
}
