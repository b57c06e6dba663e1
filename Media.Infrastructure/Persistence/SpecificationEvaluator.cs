using System.Linq.Expressions;
using Ardalis.Specification;
using Microsoft.EntityFrameworkCore;

namespace Media.Infrastructure.Persistence;

/// <summary>
/// Turns an Ardalis specification into an EF query: where, order, includes, paging, tracking.
/// (Ardalis.Specification.EntityFrameworkCore is not served here; this covers what our specifications use.)
/// </summary>
internal static class SpecificationEvaluator
{
    public static IQueryable<T> Apply<T>(IQueryable<T> query, ISpecification<T> spec, bool paging = true) where T : class
    {
        query = Order(Filter(query, spec), spec);
        if (paging)
        {
            if (spec.Skip is > 0 and var skip) query = query.Skip(skip);
            if (spec.Take is > 0 and var take) query = query.Take(take);
        }
        return Shape(query, spec);
    }

    /// <summary>
    /// One page of a list of <c>total</c> rows: the rows it skips and takes, counted from the nearer end. A page past the
    /// middle is read in the reverse order (its rows then come last-first: <c>Reversed</c>), so that the database skips at
    /// most half of the rows.
    /// </summary>
    public readonly record struct PageWindow(int Skip, int Take, bool Reversed)
    {
        /// <summary>The page's window given the total: null past the end. An unordered list is never reversed.</summary>
        public static PageWindow? Of(Media.Application.Common.PageRequest page, int total, bool ordered = true)
        {
            var skip = page.Skip;
            if (skip >= total) return null;
            var take = Math.Min(page.PageSize, total - skip);
            var reversed = ordered && skip > (total - take) / 2;
            return new PageWindow(reversed ? total - skip - take : skip, take, reversed);
        }
    }

    /// <summary>The window of a specification's page given the total: null past the end.</summary>
    public static PageWindow? Window<T>(ISpecification<T> spec, Media.Application.Common.PageRequest page, int total) =>
        PageWindow.Of(page, total, spec.OrderExpressions.Any());

    /// <summary>The query of one page given the total: null past the end (see <see cref="PageWindow"/>).</summary>
    public static (IQueryable<T> Query, bool Reversed)? ApplyPage<T>(IQueryable<T> query, ISpecification<T> spec, Media.Application.Common.PageRequest page, int total)
        where T : class =>
        Window(spec, page, total) is { } window ? (ApplyPage(query, spec, window), window.Reversed) : null;

    /// <summary>The query of the page's rows, in one step.</summary>
    public static IQueryable<T> ApplyPage<T>(IQueryable<T> query, ISpecification<T> spec, PageWindow window) where T : class =>
        Shape(Slice(query, spec, window), spec);

    /// <summary>
    /// The keys of the page's rows alone: what the database can find in an index of the sort order without reading the
    /// rows it skips (the first step of a deep page: <see cref="ApplyKeys"/> then reads the rows).
    /// </summary>
    public static IQueryable<TKey> ApplyPageKeys<T, TKey>(IQueryable<T> query, ISpecification<T> spec, PageWindow window, Expression<Func<T, TKey>> key)
        where T : class =>
        Slice(query, spec, window).Select(key);

    /// <summary>
    /// The rows of the keys a page's first step read, in the page's order (and still matching its filters: a row changed
    /// between the two steps is left out, not shown as it no longer is).
    /// </summary>
    public static IQueryable<T> ApplyKeys<T>(IQueryable<T> query, ISpecification<T> spec, bool reversed, Expression<Func<T, bool>> ofKeys) where T : class =>
        Shape(Order(Filter(query.Where(ofKeys), spec), spec, reversed), spec);

    // The specification's filters.
    private static IQueryable<T> Filter<T>(IQueryable<T> query, ISpecification<T> spec)
    {
        foreach (var where in spec.WhereExpressions) query = query.Where(where.Filter);
        return query;
    }

    // The window's rows of the filtered list, in its order (reversed if the window is).
    private static IQueryable<T> Slice<T>(IQueryable<T> query, ISpecification<T> spec, PageWindow window) =>
        Order(Filter(query, spec), spec, window.Reversed).Skip(window.Skip).Take(window.Take);

    // Includes and tracking.
    private static IQueryable<T> Shape<T>(IQueryable<T> query, ISpecification<T> spec) where T : class
    {
        foreach (var include in IncludePaths(spec)) query = query.Include(include);
        if (spec.AsNoTracking) query = query.AsNoTracking();
        else if (spec.AsNoTrackingWithIdentityResolution) query = query.AsNoTrackingWithIdentityResolution();
        if (spec.AsSplitQuery) query = query.AsSplitQuery();
        return query;
    }

    public static IQueryable<TResult> Apply<T, TResult>(IQueryable<T> query, ISpecification<T, TResult> spec) where T : class =>
        spec.Selector is { } selector
            ? Apply(query, (ISpecification<T>)spec).Select(selector)
            : throw new InvalidOperationException($"{spec.GetType().Name} has no Select.");

    private static IQueryable<T> Order<T>(IQueryable<T> query, ISpecification<T> spec, bool reversed = false)
    {
        IOrderedQueryable<T>? ordered = null;
        foreach (var order in spec.OrderExpressions)
        {
            var type = !reversed ? order.OrderType : order.OrderType switch
            {
                OrderTypeEnum.OrderBy => OrderTypeEnum.OrderByDescending,
                OrderTypeEnum.OrderByDescending => OrderTypeEnum.OrderBy,
                OrderTypeEnum.ThenBy => OrderTypeEnum.ThenByDescending,
                OrderTypeEnum.ThenByDescending => OrderTypeEnum.ThenBy,
                var other => other,
            };
            ordered = type switch
            {
                OrderTypeEnum.OrderBy => query.OrderBy(order.KeySelector),
                OrderTypeEnum.OrderByDescending => query.OrderByDescending(order.KeySelector),
                OrderTypeEnum.ThenBy => ordered!.ThenBy(order.KeySelector),
                OrderTypeEnum.ThenByDescending => ordered!.ThenByDescending(order.KeySelector),
                _ => throw new NotSupportedException($"Order type {order.OrderType}."),
            };
            query = ordered;
        }
        return query;
    }

    // Include/ThenInclude chains become dotted paths ("Seasons.Episodes"), which EF includes as one.
    private static List<string> IncludePaths<T>(ISpecification<T> spec)
    {
        var paths = new List<string>(spec.IncludeStrings);
        foreach (var include in spec.IncludeExpressions)
        {
            var member = MemberPath(include.LambdaExpression.Body);
            if (include.Type == IncludeTypeEnum.ThenInclude && paths.Count > 0) paths[^1] = $"{paths[^1]}.{member}";
            else paths.Add(member);
        }
        return paths;
    }

    private static string MemberPath(Expression body) => body switch
    {
        MemberExpression { Expression: ParameterExpression } m => m.Member.Name,
        MemberExpression m => $"{MemberPath(m.Expression!)}.{m.Member.Name}",
        UnaryExpression { NodeType: ExpressionType.Convert } u => MemberPath(u.Operand),
        _ => throw new NotSupportedException($"Only member paths can be included, not '{body}'."),
    };
}
