using Ardalis.Specification;
using Media.Domain.Common;

namespace Media.Application.Common;

/// <summary>
/// Persistence of one aggregate. All repositories of a request share one unit of work:
/// <see cref="SaveAsync"/> on any of them saves every pending change. A unique index or a
/// reference that a change violates comes back as a Conflict, never as a database exception.
/// </summary>
public interface IRepository<T, in TId> where T : class
{
    Task<T?> FindAsync(TId id, CancellationToken ct);
    Task<T?> FirstOrDefaultAsync(ISpecification<T> spec, CancellationToken ct);
    Task<IReadOnlyList<T>> ListAsync(ISpecification<T> spec, CancellationToken ct);
    Task<IReadOnlyList<TResult>> ListAsync<TResult>(ISpecification<T, TResult> spec, CancellationToken ct);

    /// <summary>Counts what the specification selects, ignoring its paging.</summary>
    Task<int> CountAsync(ISpecification<T> spec, CancellationToken ct);

    Task<bool> AnyAsync(ISpecification<T> spec, CancellationToken ct);

    /// <summary>
    /// One page of what the specification selects (in its order, which must end in a unique key) with the total. A
    /// page past the middle is read from the other end, so the last page costs what the first does.
    /// </summary>
    Task<PagedList<T>> PageAsync(ISpecification<T> spec, PageRequest page, CancellationToken ct);

    /// <inheritdoc cref="PageAsync(ISpecification{T}, PageRequest, CancellationToken)"/>
    Task<PagedList<TResult>> PageAsync<TResult>(ISpecification<T, TResult> spec, PageRequest page, CancellationToken ct);

    /// <summary>Adds to the unit of work; the next <see cref="SaveAsync"/> of any repository saves it.</summary>
    void Add(T entity);

    /// <summary>Adds and saves.</summary>
    Task<Result> AddAsync(T entity, CancellationToken ct);

    /// <summary>Removes and saves.</summary>
    Task<Result> RemoveAsync(T entity, CancellationToken ct);

    /// <summary>
    /// Saves every pending change in one transaction. On a refusal nothing is saved and the changes stay pending
    /// (a later save tries them again): a caller that goes on after a failed save discards them first.
    /// </summary>
    Task<Result> SaveAsync(CancellationToken ct);

    /// <summary>Forgets every pending change of the unit of work (and every loaded aggregate): for a caller that starts over.</summary>
    void DiscardChanges();
}
