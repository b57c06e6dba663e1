using System.Linq.Expressions;
using Ardalis.Specification;

namespace Media.Application.Common;

public static class SpecificationExtensions
{
    /// <summary>Orders by the key, then by the id as a tie-breaker so that paging is stable.</summary>
    public static ISpecificationBuilder<T> OrderByThenId<T, TKey>(
        this ISpecificationBuilder<T> query, Expression<Func<T, TKey>> key, Expression<Func<T, object?>> id, SortDirection direction)
    {
        var boxed = Expression.Lambda<Func<T, object?>>(Expression.Convert(key.Body, typeof(object)), key.Parameters);
        return direction == SortDirection.Desc
            ? query.OrderByDescending(boxed).ThenByDescending(id)
            : query.OrderBy(boxed).ThenBy(id);
    }

    public static ISpecificationBuilder<T> Page<T>(this ISpecificationBuilder<T> query, PageRequest page) =>
        query.Skip(page.Skip).Take(page.PageSize);
}
