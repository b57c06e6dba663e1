using System.Diagnostics;

namespace Media.Tests.Support;

public static class ProcessExits
{
    /// <summary>
    /// Waits until the process has exited and its redirected output has ended, at most <paramref name="limit"/>: false
    /// when that did not happen in time (a process it started may still hold its output; the run's end kills those).
    /// </summary>
    public static async Task<bool> ExitedWithinAsync(this Process process, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits for a short-lived tool; kills it and throws when it runs past <paramref name="limit"/>.</summary>
    public static async Task FinishWithinAsync(this Process process, TimeSpan limit, string what)
    {
        if (await process.ExitedWithinAsync(limit)) return;
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* gone meanwhile */ }
        throw new TimeoutException($"{what} did not finish within {limit.TotalSeconds:0} s.");
    }
}
