using Media.Domain.Common;

namespace Media.Application.Common;

public enum SortDirection { Asc, Desc }

/// <summary>A page of a list as the API asks for it: 1-based page, 1..500 items, an optional sort key.</summary>
public sealed record PageRequest(int Page, int PageSize, string? SortKey = null, SortDirection Direction = SortDirection.Asc)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public int Skip => (Page - 1) * PageSize;

    /// <summary>Checks the raw query values; sort keys are checked against the list each endpoint allows.</summary>
    public static Result<PageRequest> Create(int? page, int? pageSize, string? sortKey, string? sortDirection, IReadOnlyCollection<string> sortKeys)
    {
        var errors = new Dictionary<string, string[]>();
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        if (p < 1) errors["page"] = ["page starts at 1."];
        else if ((long)(p - 1) * size > int.MaxValue) errors["page"] = ["page is too large."];
        if (size is < 1 or > MaxPageSize) errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];

        string? key = null;
        if (!string.IsNullOrWhiteSpace(sortKey))
        {
            key = sortKeys.FirstOrDefault(k => string.Equals(k, sortKey, StringComparison.OrdinalIgnoreCase));
            if (key is null) errors["sortKey"] = [$"Unknown sortKey '{sortKey}'; one of: {string.Join(", ", sortKeys)}."];
        }

        var direction = SortDirection.Asc;
        if (!string.IsNullOrWhiteSpace(sortDirection))
        {
            if (string.Equals(sortDirection, "desc", StringComparison.OrdinalIgnoreCase)) direction = SortDirection.Desc;
            else if (!string.Equals(sortDirection, "asc", StringComparison.OrdinalIgnoreCase))
                errors["sortDirection"] = ["sortDirection is asc or desc."];
        }

        if (errors.Count > 0) return Error.Validation("validation", "The paging parameters are invalid.", errors);
        return new PageRequest(p, size, key, direction);
    }
}

public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);
