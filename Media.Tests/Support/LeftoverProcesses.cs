using System.Diagnostics;
using System.Globalization;

namespace Media.Tests.Support;

/// <summary>
/// What the run started and left behind: at the end of the run every process that the test host started and that still
/// runs, or that holds the write end of the host's output pipes (a daemon that kept what it was given), is killed and
/// named, so that nothing of the run outlives it and whatever hung on one of them is visible.
/// </summary>
public static class LeftoverProcesses
{
    public sealed record Leftover(int Pid, string Command, string Why)
    {
        public override string ToString() => $"{Pid} {Command}: {Why}";
    }

    /// <summary>Kills them all; what was killed.</summary>
    public static IReadOnlyList<Leftover> Kill()
    {
        var killed = new List<Leftover>();
        foreach (var leftover in Find())
        {
            try
            {
                using var process = Process.GetProcessById(leftover.Pid);
                process.Kill(entireProcessTree: true);
                killed.Add(leftover);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // gone already, or not ours to kill
            }
        }
        return killed;
    }

    /// <summary>The processes, other than this one and its ancestors, that it started or that hold its output pipes.</summary>
    public static IReadOnlyList<Leftover> Find()
    {
        if (!OperatingSystem.IsLinux()) return [];
        var self = Environment.ProcessId;
        var ancestors = Ancestors(self);
        var ourPipes = OutputPipes();
        var found = new List<Leftover>();
        foreach (var pid in Pids())
        {
            if (pid == self || ancestors.Contains(pid)) continue;
            var why = Ancestors(pid).Contains(self) ? "started by the test host and still running"
                : HoldsWriteEnd(pid, ourPipes) ? "holds the test host's output pipe"
                : null;
            if (why is not null) found.Add(new Leftover(pid, CommandLine(pid), why));
        }
        return found;
    }

    /// <summary>This process's standard output and error where they are pipes ("pipe:[inode]").</summary>
    public static HashSet<string?> OutputPipes() =>
        new[] { 1, 2 }.Select(fd => Link($"/proc/self/fd/{fd}")).Where(l => l?.StartsWith("pipe:", StringComparison.Ordinal) == true).ToHashSet();

    private static IEnumerable<int> Pids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 1);

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (command) state ppid ...": the command may hold spaces and brackets, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return 0;
        }
    }

    private static HashSet<int> Ancestors(int pid)
    {
        var found = new HashSet<int>();
        for (var parent = ParentOf(pid); parent > 1 && found.Add(parent); parent = ParentOf(parent)) { }
        return found;
    }

    private static bool HoldsWriteEnd(int pid, HashSet<string?> pipes)
    {
        if (pipes.Count == 0) return false;
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                if (!pipes.Contains(Link(fd))) continue;
                // fdinfo "flags: 0100001": the low two bits are the access mode (1 write, 2 read and write).
                var flags = File.ReadLines($"/proc/{pid}/fdinfo/{Path.GetFileName(fd)}").FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal));
                if (flags is not null && (Convert.ToInt32(flags[6..].Trim(), 8) & 3) != 0) return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // gone, or not ours to read
        }
        return false;
    }

    private static string? Link(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }
}
