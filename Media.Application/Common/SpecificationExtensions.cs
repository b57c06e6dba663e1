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

    /// <summary>
    /// Orders by a path (then the id) in a way an index can serve: a path may be longer than a btree entry may be, so
    /// the index holds its first <see cref="PathSortPrefix"/> characters and the rare ties are sorted by the whole path.
    /// </summary>
    public static ISpecificationBuilder<T> OrderByPathThenId<T>(
        this ISpecificationBuilder<T> query, Expression<Func<T, string>> path, Expression<Func<T, object?>> id, SortDirection direction)
    {
        var prefix = Expression.Lambda<Func<T, object?>>(
            Expression.Convert(Expression.Call(path.Body, typeof(string).GetMethod(nameof(string.Substring), [typeof(int), typeof(int)])!,
                Expression.Constant(0), Expression.Constant(PathSortPrefix)), typeof(object)), path.Parameters);
        var whole = Expression.Lambda<Func<T, object?>>(Expression.Convert(path.Body, typeof(object)), path.Parameters);
        return direction == SortDirection.Desc
            ? query.OrderByDescending(prefix).ThenByDescending(whole).ThenByDescending(id)
            : query.OrderBy(prefix).ThenBy(whole).ThenBy(id);
    }

    /// <summary>Characters of a path an index sorts by (600 characters of at most 4 bytes fit a PostgreSQL btree entry).</summary>
    public const int PathSortPrefix = 600;

    public static ISpecificationBuilder<T> Page<T>(this ISpecificationBuilder<T> query, PageRequest page) =>
        query.Skip(page.Skip).Take(page.PageSize);
}
