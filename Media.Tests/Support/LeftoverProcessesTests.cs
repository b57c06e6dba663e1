using System.Diagnostics;

namespace Media.Tests.Support;

public sealed class LeftoverProcessesTests
{
    [Test]
    public async Task A_child_still_running_is_found()
    {
        using var sleep = Process.Start(new ProcessStartInfo("sleep", ["300"]) { UseShellExecute = false })!;
        try
        {
            var found = LeftoverProcesses.Find();
            Assert.That(found.Where(l => l.Pid == sleep.Id).Select(l => l.Why), Is.EqualTo(new[] { "started by the test host and still running" }));
        }
        finally
        {
            sleep.Kill();
            await sleep.ExitedWithinAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Test]
    public void A_daemon_that_kept_our_output_pipe_is_found()
    {
        if (LeftoverProcesses.OutputPipes().Count == 0) Assert.Ignore("This test host's output is not a pipe here (dotnet test makes it one).");
        // The shell starts sleep in the background and exits: sleep is nobody's child of ours any more, but it holds our output.
        using (var shell = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 300 & echo $! >&2"]) { UseShellExecute = false, RedirectStandardError = true })!)
        {
            var pid = int.Parse(shell.StandardError.ReadLine()!, System.Globalization.CultureInfo.InvariantCulture);
            shell.WaitForExit();
            try
            {
                var found = LeftoverProcesses.Find();
                Assert.That(found.Where(l => l.Pid == pid).Select(l => l.Why), Is.EqualTo(new[] { "holds the test host's output pipe" }));
            }
            finally
            {
                try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { }
            }
        }
    }
}
