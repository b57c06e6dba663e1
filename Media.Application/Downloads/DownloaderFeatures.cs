using Ardalis.Specification;
using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.Downloads;

namespace Media.Application.Downloads;

public interface IDownloaderRepository : IRepository<Downloader, DownloaderId>;

/// <summary>Encrypts secrets at rest (ASP.NET Core Data Protection in Infrastructure).</summary>
public interface ISecretProtector
{
    string Protect(string secret);
    string? Unprotect(string protectedSecret);
}

/// <summary>A download client as the API shows it: never its password, only whether one is set.</summary>
public sealed record DownloaderDto(Guid Id, string Name, DownloaderKind Kind, string Url, string? Username, bool HasPassword, bool Enabled, DateTimeOffset CreatedAt);

public sealed record DownloaderInput(string? Name, string? Kind, string? Url, string? Username, string? Password, bool? Enabled);

public sealed class DownloadersPage : Specification<Downloader>
{
    public static readonly IReadOnlyList<string> SortKeys = ["name"];

    public DownloadersPage(PageRequest page)
    {
        Query.AsNoTracking();
        Query.OrderByThenId(d => d.Name, d => d.Id, page.Direction);
        Query.Page(page);
    }
}

public sealed class DownloaderHandler(IDownloaderRepository downloaders, ISecretProtector secrets, IDownloadClientFactory clients, TimeProvider clock)
{
    public async Task<PagedList<DownloaderDto>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var spec = new DownloadersPage(page);
        var found = await downloaders.ListAsync(spec, ct);
        return new PagedList<DownloaderDto>(found.Select(ToDto).ToList(), page.Page, page.PageSize, await downloaders.CountAsync(spec, ct));
    }

    public async Task<Result<DownloaderDto>> GetAsync(DownloaderId id, CancellationToken ct) =>
        await downloaders.FindAsync(id, ct) is { } d ? ToDto(d) : DownloaderErrors.NotFound(id);

    public async Task<Result<DownloaderDto>> CreateAsync(DownloaderInput input, CancellationToken ct)
    {
        var valid = Validate(input);
        if (valid.IsFailure) return valid.Error!;
        var (name, kind, url) = valid.Value;
        var downloader = Downloader.Create(name, kind, url, input.Username, input.Password is { Length: > 0 } p ? secrets.Protect(p) : null, input.Enabled ?? true, clock.GetUtcNow());
        var added = await downloaders.AddAsync(downloader, ct);
        return added.IsSuccess ? ToDto(downloader) : added.Error!;
    }

    public async Task<Result<DownloaderDto>> UpdateAsync(DownloaderId id, DownloaderInput input, CancellationToken ct)
    {
        if (await downloaders.FindAsync(id, ct) is not { } downloader) return DownloaderErrors.NotFound(id);
        var valid = Validate(input);
        if (valid.IsFailure) return valid.Error!;
        var (name, kind, url) = valid.Value;
        var password = input.Password is null ? null : input.Password.Length == 0 ? "" : secrets.Protect(input.Password);
        downloader.Update(name, kind, url, input.Username, password, input.Enabled ?? downloader.Enabled);
        var saved = await downloaders.SaveAsync(ct);
        return saved.IsSuccess ? ToDto(downloader) : saved.Error!;
    }

    public async Task<Result> DeleteAsync(DownloaderId id, CancellationToken ct) =>
        await downloaders.FindAsync(id, ct) is { } d ? await downloaders.RemoveAsync(d, ct) : DownloaderErrors.NotFound(id);

    /// <summary>Connects with the stored settings; 503 with the client's answer when it fails.</summary>
    public async Task<Result<string>> TestAsync(DownloaderId id, CancellationToken ct)
    {
        if (await downloaders.FindAsync(id, ct) is not { } d) return DownloaderErrors.NotFound(id);
        try
        {
            return await clients.For(Connection(d)).TestAsync(ct);
        }
        catch (DownloadClientException e)
        {
            return Error.Unavailable("downloader.unreachable", e.Message);
        }
    }

    public DownloaderConnection Connection(Downloader d) =>
        new(d.Kind, d.Url, d.Username, d.ProtectedPassword is null ? null : secrets.Unprotect(d.ProtectedPassword));

    private static Result<(string Name, DownloaderKind Kind, Uri Url)> Validate(DownloaderInput input)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200) errors["name"] = ["A name of 1 to 200 characters is required."];
        DownloaderKind kind = default;
        if (!string.Equals(input.Kind, "transmission", StringComparison.OrdinalIgnoreCase) && !string.Equals(input.Kind, "qbittorrent", StringComparison.OrdinalIgnoreCase))
            errors["kind"] = ["transmission or qbittorrent."];
        else kind = Enum.Parse<DownloaderKind>(input.Kind!, ignoreCase: true);
        if (!Uri.TryCreate(input.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            errors["url"] = ["An absolute http or https URL is required."];
        if (input.Password is { Length: > 1000 }) errors["password"] = ["At most 1000 characters."];
        if (errors.Count > 0) return Error.Validation("validation", "The download client is invalid.", errors);
        return (input.Name!.Trim(), kind, url!);
    }

    private static DownloaderDto ToDto(Downloader d) =>
        new(d.Id.Value, d.Name, d.Kind, d.Url.ToString(), d.Username, d.ProtectedPassword is not null, d.Enabled, d.CreatedAt);
}
