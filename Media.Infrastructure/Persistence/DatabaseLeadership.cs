using System.Data.Common;
using Media.Application.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Media.Infrastructure.Persistence;

/// <summary>
/// Leadership of one background role among the instances on one database. On PostgreSQL: a session advisory lock held
/// on a connection of its own, so it is released the moment the leader's process dies (its connection closes) and
/// another instance takes it at its next try. On SQLite (one instance): always the leader.
/// </summary>
internal sealed class DatabaseLeadership(DatabaseSettings database) : ILeadership, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, DbConnection> _held = new(StringComparer.Ordinal);

    public async Task<bool> IsLeaderAsync(string role, CancellationToken ct)
    {
        if (database.Provider != DatabaseProvider.Postgres) return true;
        await _gate.WaitAsync(ct);
        try
        {
            if (_held.TryGetValue(role, out var connection))
            {
                try
                {
                    await using var check = new NpgsqlCommand("SELECT 1", (NpgsqlConnection)connection);
                    await check.ExecuteScalarAsync(ct);
                    return true;
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
                {
                    _held.Remove(role);
                    await connection.DisposeAsync();
                }
            }
            var fresh = new NpgsqlConnection(database.ConnectionString);
            await fresh.OpenAsync(ct);
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext('media.' || @role))", fresh);
            take.Parameters.AddWithValue("role", role);
            if (await take.ExecuteScalarAsync(ct) is true)
            {
                _held[role] = fresh;
                return true;
            }
            await fresh.DisposeAsync();
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _held.Values) await connection.DisposeAsync();
        _held.Clear();
        _gate.Dispose();
    }
}
