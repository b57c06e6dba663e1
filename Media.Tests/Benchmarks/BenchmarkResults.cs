using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Media.Tests.Benchmarks;

/// <summary>
/// Figures of `build.ps1 bench`, merged into one JSON file (MEDIA_BENCH_OUTPUT, default bench/results/latest.json
/// under the repository), with the machine's core count and the commit.
/// </summary>
public static class BenchmarkResults
{
    private static readonly Lock Gate = new();

    public static string OutputPath =>
        Environment.GetEnvironmentVariable("MEDIA_BENCH_OUTPUT") is { Length: > 0 } path ? path
            : Path.Combine(RepositoryRoot(), "bench", "results", "latest.json");

    public static void Record(string section, JsonObject figures)
    {
        lock (Gate)
        {
            var path = OutputPath;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var root = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? new JsonObject() : new JsonObject();
            root["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            };
            root["commit"] = Commit();
            root["updatedAt"] = DateTimeOffset.UtcNow.ToString("O");
            root[section] = figures;
            File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        TestContext.Out.WriteLine($"{section}: {figures.ToJsonString()}");
    }

    /// <summary>
    /// The issue's targets a benchmark measured, each with its value, its limit and whether it was met: kept under
    /// "targets" in the results file and printed by `build.ps1 bench` as a table.
    /// </summary>
    public static void Targets(string benchmark, params (string Target, double Measured, string Limit, bool Met)[] targets)
    {
        var list = new JsonArray();
        foreach (var (target, measured, limit, met) in targets)
            list.Add(new JsonObject { ["target"] = target, ["measured"] = measured, ["limit"] = limit, ["met"] = met });
        lock (Gate)
        {
            var path = OutputPath;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var root = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? new JsonObject() : new JsonObject();
            var all = root["targets"] as JsonObject ?? new JsonObject();
            all[benchmark] = list;
            root["targets"] = all;
            File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        foreach (var (target, measured, limit, met) in targets)
            TestContext.Out.WriteLine($"target {benchmark}: {target} = {measured} (limit {limit}): {(met ? "met" : "NOT MET")}");
    }

    /// <summary>Milliseconds of each run of <paramref name="action"/>, after warm-up runs.</summary>
    public static async Task<List<double>> TimeAsync(Func<Task> action, int runs, int warmup = 3)
    {
        for (var i = 0; i < warmup; i++) await action();
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Media.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    private static string Commit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot(),
            })!;
            var sha = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? sha : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
