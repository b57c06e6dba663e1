using Ardalis.Specification;
using Media.Application.Common;
using Media.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace Media.Infrastructure.Persistence.Repositories;

/// <summary>The shared part of every repository: one scoped DbContext is the unit of work of a request.</summary>
internal abstract class EfRepository<T, TId>(MediaDbContext db) : IRepository<T, TId> where T : class where TId : struct
{
    protected MediaDbContext Db { get; } = db;

    /// <summary>The aggregate with everything that belongs to it; repositories of larger aggregates add includes.</summary>
    protected virtual IQueryable<T> Aggregate => Db.Set<T>();

    /// <summary>Where a specification's query starts: the rows it may read (a repository narrows it for what a specification asks of the store).</summary>
    protected virtual IQueryable<T> Source(ISpecification<T> spec, IQueryable<T> rows) => rows;

    /// <summary>A total the database keeps (a sum of its counts' rows), as a page's total.</summary>
    protected static int Kept(long total) => (int)Math.Clamp(total, 0, int.MaxValue);

    public virtual async Task<T?> FindAsync(TId id, CancellationToken ct) =>
        await Aggregate.FirstOrDefaultAsync(e => EF.Property<TId>(e, "Id").Equals(id), ct);

    public Task<T?> FirstOrDefaultAsync(ISpecification<T> spec, CancellationToken ct) =>
        SpecificationEvaluator.Apply(Source(spec, Aggregate), spec).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<T>> ListAsync(ISpecification<T> spec, CancellationToken ct) =>
        await SpecificationEvaluator.Apply(Source(spec, Aggregate), spec).ToListAsync(ct);

    public async Task<IReadOnlyList<TResult>> ListAsync<TResult>(ISpecification<T, TResult> spec, CancellationToken ct) =>
        await SpecificationEvaluator.Apply(Source(spec, Db.Set<T>()), spec).ToListAsync(ct);

    public virtual Task<int> CountAsync(ISpecification<T> spec, CancellationToken ct) =>
        SpecificationEvaluator.Apply(Source(spec, Db.Set<T>()), spec, paging: false).CountAsync(ct);

    public Task<bool> AnyAsync(ISpecification<T> spec, CancellationToken ct) =>
        SpecificationEvaluator.Apply(Source(spec, Db.Set<T>()), spec, paging: false).AnyAsync(ct);

    public async Task<PagedList<T>> PageAsync(ISpecification<T> spec, PageRequest page, CancellationToken ct) =>
        await ReadPageAsync(Source(spec, Aggregate), spec, page, await CountAsync(spec, ct), query => query, ct);

    public async Task<PagedList<TResult>> PageAsync<TResult>(ISpecification<T, TResult> spec, PageRequest page, CancellationToken ct) =>
        await ReadPageAsync(Source(spec, Db.Set<T>()), spec, page, await CountAsync(spec, ct),
            query => query.Select(spec.Selector ?? throw new InvalidOperationException($"{spec.GetType().Name} has no Select.")), ct);

    /// <summary>
    /// Rows a page may skip in one step. Deeper, a page is read in two (a deferred join): its rows' keys alone, which
    /// the database finds in an index of the sort order without reading the rows it skips, then those rows by their
    /// keys. In one step the database reads or sorts every row it skips: the middle of 100,000 titles took 130-230 ms.
    /// </summary>
    internal const int DeepSkip = 1_000;

    /// <summary>The page's rows, read from the nearer end (<see cref="SpecificationEvaluator.PageWindow"/>) and put back in order.</summary>
    private static async Task<PagedList<TItem>> ReadPageAsync<TItem>(
        IQueryable<T> source, ISpecification<T> spec, PageRequest page, int total, Func<IQueryable<T>, IQueryable<TItem>> shape, CancellationToken ct)
    {
        if (SpecificationEvaluator.Window(spec, page, total) is not { } window) return new PagedList<TItem>([], page.Page, page.PageSize, total);
        IQueryable<T> query;
        if (window.Skip < DeepSkip || !spec.OrderExpressions.Any()) query = SpecificationEvaluator.ApplyPage(source, spec, window);
        else
        {
            var keys = await SpecificationEvaluator.ApplyPageKeys(source, spec, window, e => EF.Property<TId>(e, "Id")).ToListAsync(ct);
            query = SpecificationEvaluator.ApplyKeys(source, spec, window.Reversed, e => keys.Contains(EF.Property<TId>(e, "Id")));
        }
        var items = await shape(query).ToListAsync(ct);
        if (window.Reversed) items.Reverse();
        return new PagedList<TItem>(items, page.Page, page.PageSize, total);
    }

    public void Add(T entity) => Db.Set<T>().Add(entity);

    public async Task<Result> AddAsync(T entity, CancellationToken ct)
    {
        Db.Set<T>().Add(entity);
        return await SaveAsync(ct);
    }

    public async Task<Result> RemoveAsync(T entity, CancellationToken ct)
    {
        Db.Set<T>().Remove(entity);
        return await SaveAsync(ct);
    }

    public async Task<Result> SaveAsync(CancellationToken ct)
    {
        try
        {
            await Db.SaveChangesAsync(ct);
            return Result.Ok();
        }
        catch (DbUpdateException e) when (DbErrors.ToError(e, Db) is { } error)
        {
            // The changes stay pending: a caller that wants to try again says so (DiscardChanges); nothing was saved.
            return error;
        }
    }

    public void DiscardChanges() => Db.ChangeTracker.Clear();
}
