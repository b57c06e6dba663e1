using Media.Tests.Support;

namespace Media.Tests;

/// <summary>
/// Once every test of the run has finished: stops the shared PostgreSQL server and the shared Azurite (each given two
/// minutes at most), then kills and names whatever the run left running, so that `dotnet test` can end.
/// </summary>
[SetUpFixture]
public sealed class PostgresSetUp
{
    private static readonly TimeSpan StopLimit = TimeSpan.FromMinutes(2);

    [OneTimeTearDown]
    public async Task StopSharedServer()
    {
        if (PostgresServer.SharedStarted) await WithinAsync("PostgreSQL", async () => await (await PostgresServer.SharedAsync()).DisposeAsync());
        await WithinAsync("Azurite", Azurite.StopSharedAsync);
        foreach (var line in LeftoverProcesses.Kill()) TestContext.Progress.WriteLine($"Left running at the end of the run, killed: {line}");
    }

    private static async Task WithinAsync(string what, Func<Task> stop)
    {
        try
        {
            await stop().WaitAsync(StopLimit);
        }
        catch (TimeoutException)
        {
            TestContext.Progress.WriteLine($"{what} did not stop within {StopLimit.TotalMinutes:0} minutes; going on.");
        }
    }
}
