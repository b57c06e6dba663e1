using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Media.Infrastructure.Persistence;

internal static class StoredValues
{
    /// <summary>
    /// A property's value as the database holds it (through the model's value converter: an enum as its text), for
    /// statements written by hand beside EF.
    /// </summary>
    public static object? Stored<TEntity>(this DbContext db, string property, object? value)
    {
        if (value is null) return null;
        var converter = db.Model.FindEntityType(typeof(TEntity))!.FindProperty(property)!.GetTypeMapping().Converter;
        return converter is null ? value : converter.ConvertToProvider(value);
    }

    /// <summary>A multi-row statement: the rows' values as numbered placeholders, then what follows them.</summary>
    public static (string Sql, List<object> Parameters) Rows(string insert, string after, IEnumerable<object[]> rows)
    {
        var sql = new StringBuilder(insert);
        var parameters = new List<object>();
        foreach (var row in rows)
        {
            if (parameters.Count > 0) sql.Append(", ");
            sql.Append('(');
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0) sql.Append(", ");
                sql.Append('{').Append(parameters.Count.ToString(CultureInfo.InvariantCulture)).Append('}');
                parameters.Add(row[i]);
            }
            sql.Append(')');
        }
        return (sql.Append(after).ToString(), parameters);
    }

    /// <summary>A hand-written query's rows, one at a time, on the unit of work's connection.</summary>
    public static async IAsyncEnumerable<T> RowsAsync<T>(MediaDbContext db,
        string sql, IEnumerable<Npgsql.NpgsqlParameter> parameters, Func<System.Data.Common.DbDataReader, T> row, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = sql;
            foreach (var parameter in parameters) command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) yield return row(reader);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
