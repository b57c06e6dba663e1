using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Media.Infrastructure.Persistence.Repositories;

/// <summary>
/// New aggregates written with PostgreSQL's binary COPY instead of EF's tracked inserts: a table at a time (the
/// aggregate's own table, then each owned table), the columns exactly as the EF model maps them (names, value
/// converters, store types), so that the model stays the one place that knows the schema. Nothing is tracked.
/// The caller owns the transaction: a refused row fails the whole COPY.
/// </summary>
internal sealed class PostgresCopy
{
    private readonly List<TableWriter> _tables = [];

    private PostgresCopy(IEntityType root)
    {
        Add(root, owner: null, ownership: null);
    }

    /// <summary>The writer of one aggregate type (built once per model and type).</summary>
    public static PostgresCopy For(MediaDbContext db, Type aggregate)
    {
        var type = db.Model.FindEntityType(aggregate) ?? throw new ArgumentException($"{aggregate.Name} is not in the model.", nameof(aggregate));
        return Writers.GetOrAdd((db.Model, aggregate), _ => new PostgresCopy(type));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IModel, Type), PostgresCopy> Writers = new();

    /// <summary>
    /// Writes the aggregates' rows. <paramref name="adjust"/> may replace a root property's value before it is
    /// converted (e.g. a foreign key another writer's row now stands for).
    /// </summary>
    public async Task WriteAsync<T>(MediaDbContext db, IReadOnlyList<T> aggregates, Func<IProperty, object?, object?>? adjust, CancellationToken ct)
        where T : class
    {
        if (aggregates.Count == 0) return;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        foreach (var table in _tables)
        {
            await using var importer = await connection.BeginBinaryImportAsync(table.Command, ct);
            foreach (var aggregate in aggregates)
                foreach (var (row, owner) in table.Rows(aggregate))
                {
                    await importer.StartRowAsync(ct);
                    foreach (var column in table.Columns)
                    {
                        var value = column.Read(row, owner);
                        if (table.Owner is null && adjust is not null) value = adjust(column.Property, value);
                        if (value is not null && column.Converter is { } converter) value = converter.ConvertToProvider(value);
                        if (value is null) await importer.WriteNullAsync(ct);
                        else await importer.WriteAsync(value is DateTimeOffset at ? at.ToUniversalTime() : value, column.StoreType, ct);
                    }
                }
            await importer.CompleteAsync(ct);
        }
    }

    private void Add(IEntityType type, IEntityType? owner, INavigation? ownership)
    {
        var table = type.GetTableName() ?? throw new InvalidOperationException($"{type.DisplayName()} is not mapped to a table.");
        var store = StoreObjectIdentifier.Table(table, type.GetSchema());
        var columns = new List<Column>();
        foreach (var property in type.GetProperties())
        {
            if (property.GetColumnName(store) is not { } name) continue;
            if (property.GetComputedColumnSql(store) is not null || property.GetDefaultValueSql(store) is not null)
                throw new NotSupportedException($"{type.DisplayName()}.{property.Name} is given by the database: not written by COPY.");
            var mapping = property.GetRelationalTypeMapping();
            columns.Add(new Column(property, name, mapping.StoreTypeNameBase, mapping.Converter, Reader(property, owner)));
        }
        _tables.Add(new TableWriter(
            $"COPY {Quote(table)} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)",
            columns, owner, ownership));
        foreach (var navigation in type.GetNavigations().Where(n => n.TargetEntityType.IsOwned() && n.ForeignKey.PrincipalEntityType == type))
        {
            if (owner is not null) throw new NotSupportedException("Owned types nested in owned types are not written by COPY.");
            if (navigation.TargetEntityType.IsMappedToJson()) throw new NotSupportedException($"{navigation.Name} is stored as JSON: not written by COPY.");
            Add(navigation.TargetEntityType, type, navigation);
        }
    }

    /// <summary>A column's value: the property of the row, or, for an owned row's key, its owner's key.</summary>
    private static Func<object, object?, object?> Reader(IProperty property, IEntityType? owner)
    {
        if (!property.IsShadowProperty())
        {
            var getter = property.GetGetter();
            return (row, _) => getter.GetClrValue(row);
        }
        if (owner is null || !property.IsForeignKey())
            throw new NotSupportedException($"Shadow property {property.DeclaringType.DisplayName()}.{property.Name} is not written by COPY.");
        var ownerKey = owner.FindPrimaryKey()!.Properties.Single().GetGetter();
        return (_, parent) => ownerKey.GetClrValue(parent!);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record Column(IProperty Property, string Name, string StoreType, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter,
        Func<object, object?, object?> Read);

    private sealed record TableWriter(string Command, List<Column> Columns, IEntityType? Owner, INavigation? Ownership)
    {
        /// <summary>The rows this table holds for one aggregate, each with its owner (null for the aggregate's own row).</summary>
        public IEnumerable<(object Row, object? Owner)> Rows(object aggregate)
        {
            if (Ownership is null)
            {
                yield return (aggregate, null);
                yield break;
            }
            switch (Ownership.GetGetter().GetClrValue(aggregate))
            {
                case null: yield break;
                case System.Collections.IEnumerable many when Ownership.IsCollection:
                    foreach (var item in many) yield return (item, aggregate);
                    break;
                case var one: yield return (one, aggregate); break;
            }
        }
    }
}
