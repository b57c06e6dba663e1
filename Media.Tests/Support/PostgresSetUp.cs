using Media.Tests.Support;

namespace Media.Tests;

/// <summary>Stops the shared PostgreSQL server once every test of the run has finished.</summary>
[SetUpFixture]
public sealed class PostgresSetUp
{
    [OneTimeTearDown]
    public async Task StopSharedServer()
    {
        if (PostgresServer.SharedStarted) await (await PostgresServer.SharedAsync()).DisposeAsync();
    }
}
