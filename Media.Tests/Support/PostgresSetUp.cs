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
        var killed = LeftoverProcesses.Kill().Select(l => $"Left running at the end of the run, killed: {l}").ToList();
        foreach (var line in killed) TestContext.Progress.WriteLine(line);
        // build.ps1 prints this file after the run: the console logger at minimal verbosity shows no progress lines.
        if (killed.Count > 0 && Environment.GetEnvironmentVariable("MEDIA_TEST_LEFTOVERS") is { Length: > 0 } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            await File.AppendAllLinesAsync(file, killed);
        }
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
