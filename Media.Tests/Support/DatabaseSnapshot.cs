using System.Data.Common;
using System.Globalization;
using Media.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Support;

/// <summary>
/// Every row of every table of the model, as text, for "nothing changed" checks that compare contents, not counts:
/// a request that changed one column of one row shows up as a difference.
/// </summary>
public static class DatabaseSnapshot
{
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TakeAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MediaDbContext>();
        // service_instance is the instances' own heartbeat (it changes every few seconds by itself), not data a request changes.
        // media_file_probe and media_stream are the probe worker's: it fills them in the background after files arrive.
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>()
            .Where(t => t is not ("service_instance" or "media_file_probe" or "media_stream"))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var snapshot = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var table in tables) snapshot[table] = await RowsAsync(connection, table, ct);
            return snapshot;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The tables whose rows differ, each with a row that is only before or only after.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, IReadOnlyList<string>> before, IReadOnlyDictionary<string, IReadOnlyList<string>> after) =>
        before.Keys.Union(after.Keys)
            .Select(t => (Table: t, Before: before.GetValueOrDefault(t) ?? [], After: after.GetValueOrDefault(t) ?? []))
            .Where(t => !t.Before.SequenceEqual(t.After))
            .Select(t => $"{t.Table}: -{t.Before.Except(t.After).FirstOrDefault()} +{t.After.Except(t.Before).FirstOrDefault()}")
            .ToList();

    private static async Task<IReadOnlyList<string>> RowsAsync(DbConnection connection, string table, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\"";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            var values = new string[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
                values[i] = reader.IsDBNull(i) ? "null"
                    : reader.GetValue(i) is byte[] bytes ? Convert.ToBase64String(bytes)
                    : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "";
            rows.Add(string.Join('|', values));
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
