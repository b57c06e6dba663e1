using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;

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
}
