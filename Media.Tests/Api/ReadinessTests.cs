using System.Net;
using Media.Tests.Support;
using Npgsql;

namespace Media.Tests.Api;

public sealed class ReadinessTests
{
    [Test]
    public async Task Ready_Is503_WhenTheDatabaseIsGone_WhileLiveStays200()
    {
        await using var api = await MediaApiFactory.CreateAsync(Provider.Postgres);
        using var client = api.CreateClient();
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var database = new NpgsqlConnectionStringBuilder(api.ConnectionString).Database;
        var server = await PostgresServer.SharedAsync();
        await using (var admin = new NpgsqlConnection(server.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        NpgsqlConnection.ClearAllPools();

        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
