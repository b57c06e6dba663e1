using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Media.Application.Downloads;

namespace Media.Infrastructure.Downloaders;

/// <summary>qBittorrent's Web API v2: a login cookie (SID), then torrents/add, info, files and delete.</summary>
internal sealed class QbittorrentClient(HttpClient http, DownloaderConnection connection) : IDownloadClient
{
    private string? _cookie;

    private Uri Api(string path) => new(connection.Url, connection.Url.AbsolutePath.TrimEnd('/') + "/api/v2/" + path);

    public async Task<string> TestAsync(CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Api("app/version")), ct);
        return $"qBittorrent {await response.Content.ReadAsStringAsync(ct)}";
    }

    public async Task<string> AddAsync(TorrentSource source, string? savePath, CancellationToken ct)
    {
        var hash = TorrentMetadata.InfoHash(source);
        using var response = await SendAsync(() =>
        {
            var form = new MultipartFormDataContent();
            if (source.TorrentFile is { } bytes) form.Add(new ByteArrayContent(bytes), "torrents", "upload.torrent");
            else if (!string.IsNullOrWhiteSpace(source.Uri)) form.Add(new StringContent(source.Uri), "urls");
            else throw new DownloadClientException("A torrent needs a magnet URI, a .torrent URL or a .torrent file.");
            if (savePath is not null) form.Add(new StringContent(savePath), "savepath");
            form.Add(new StringContent("false"), "paused");
            form.Add(new StringContent("false"), "autoTMM");
            return new HttpRequestMessage(HttpMethod.Post, Api("torrents/add")) { Content = form };
        }, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (text.Trim().StartsWith("Fails", StringComparison.OrdinalIgnoreCase)) throw new DownloadClientException("qBittorrent refused the torrent.");
        return hash ?? throw new DownloadClientException("The torrent's hash is not known (a .torrent URL): add the file or a magnet URI.");
    }

    public async Task<TorrentStatus?> GetAsync(string hash, CancellationToken ct)
    {
        using var info = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Api($"torrents/info?hashes={hash}")), ct);
        if (await info.Content.ReadFromJsonAsync<JsonArray>(ct) is not { Count: > 0 } torrents) return null;
        var t = torrents[0]!;
        using var filesResponse = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Api($"torrents/files?hash={hash}")), ct);
        var files = (await filesResponse.Content.ReadFromJsonAsync<JsonArray>(ct) ?? [])
            .Select(f => new TorrentFile(f!["name"]!.GetValue<string>(), f["size"]!.GetValue<long>(), f["progress"]!.GetValue<double>())).ToList();
        var stateName = t["state"]?.GetValue<string>() ?? "";
        var state = stateName switch
        {
            "error" or "missingFiles" => TorrentState.Error,
            "checkingUP" or "checkingDL" or "checkingResumeData" or "moving" or "allocating" => TorrentState.Checking,
            "queuedDL" or "metaDL" => TorrentState.Queued,
            "downloading" or "stalledDL" or "forcedDL" => TorrentState.Downloading,
            "uploading" or "stalledUP" or "queuedUP" or "forcedUP" or "pausedUP" or "stoppedUP" => TorrentState.Completed,
            "pausedDL" or "stoppedDL" => TorrentState.Paused,
            _ => TorrentState.Queued,
        };
        return new TorrentStatus(t["hash"]!.GetValue<string>().ToLowerInvariant(), t["name"]!.GetValue<string>(), t["progress"]!.GetValue<double>(),
            state, t["save_path"]!.GetValue<string>(), files, state == TorrentState.Error ? stateName : null);
    }

    public async Task RemoveAsync(string hash, CancellationToken ct)
    {
        using var _ = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Api("torrents/delete"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["hashes"] = hash, ["deleteFiles"] = "false" }),
        }, ct);
    }

    /// <summary>Logs in when there is no cookie yet, or when the cookie expired (403), and sends again.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (_cookie is null) await LoginAsync(ct);
            using var request = build();
            request.Headers.Add("Cookie", _cookie);
            request.Headers.Referrer = connection.Url;
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ct);
            }
            catch (HttpRequestException e)
            {
                throw new DownloadClientException($"qBittorrent at {connection.Url} cannot be reached: {e.Message}", e);
            }
            if (response.StatusCode == HttpStatusCode.Forbidden && attempt == 0)
            {
                response.Dispose();
                _cookie = null;
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                response.Dispose();
                throw new DownloadClientException($"qBittorrent answered {status}.");
            }
            return response;
        }
        throw new DownloadClientException("qBittorrent refused the session.");
    }

    private async Task LoginAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Api("auth/login"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = connection.Username ?? "", ["password"] = connection.Password ?? "",
            }),
        };
        request.Headers.Referrer = connection.Url;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new DownloadClientException($"qBittorrent at {connection.Url} cannot be reached: {e.Message}", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode || !text.StartsWith("Ok", StringComparison.Ordinal))
                throw new DownloadClientException("qBittorrent refused the username or password.");
            var cookie = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault(c => c.StartsWith("SID=", StringComparison.Ordinal)) : null;
            _cookie = cookie?.Split(';')[0] ?? throw new DownloadClientException("qBittorrent did not set a session cookie.");
        }
    }
}

internal sealed class DownloadClientFactory(IHttpClientFactory http) : IDownloadClientFactory
{
    public IDownloadClient For(DownloaderConnection connection) => connection.Kind switch
    {
        Domain.Downloads.DownloaderKind.Transmission => new TransmissionClient(http.CreateClient("downloaders"), connection),
        _ => new QbittorrentClient(http.CreateClient("downloaders"), connection),
    };
}
