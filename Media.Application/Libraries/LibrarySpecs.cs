using Ardalis.Specification;
using Media.Application.Common;
using Media.Domain.Libraries;

namespace Media.Application.Libraries;

public sealed class LibrariesPage : Specification<Library>
{
    public static readonly IReadOnlyList<string> SortKeys = ["name", "createdAt"];

    public LibrariesPage(PageRequest page)
    {
        Query.AsNoTracking();
        _ = page.SortKey switch
        {
            "createdAt" => Query.OrderByThenId(l => l.CreatedAt, l => l.Id, page.Direction),
            _ => Query.OrderByThenId(l => l.Name, l => l.Id, page.Direction),
        };
        Query.Page(page);
    }
}

public sealed class LibraryWithRoot : SingleResultSpecification<Library>
{
    public LibraryWithRoot(StorageLocation storage) =>
        Query.Where(l => l.Storage.Provider == storage.Provider && l.Storage.Root == storage.Root);
}

/// <summary>Every library's storage, to check a new root against (a library holds no root inside another's).</summary>
public sealed class AllLibraries : Specification<Library>
{
    public AllLibraries() => Query.AsNoTracking();
}
