using Media.Tests.Support;

namespace Media.Tests;

/// <summary>Stops the shared PostgreSQL server (and the shared Azurite) once every test of the run has finished.</summary>
[SetUpFixture]
public sealed class PostgresSetUp
{
    [OneTimeTearDown]
    public async Task StopSharedServer()
    {
        if (PostgresServer.SharedStarted) await (await PostgresServer.SharedAsync()).DisposeAsync();
        await Azurite.StopSharedAsync();
    }
}
