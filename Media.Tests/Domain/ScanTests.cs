using Media.Domain.Common;
using Media.Domain.Scans;

namespace Media.Tests.Domain;

public sealed class ScanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_scan_is_queued_then_runs_then_completes_with_its_counters()
    {
        var scan = Scan.Queue(LibraryId.New(), null, T0).Value;
        Assert.That(scan.Status, Is.EqualTo(ScanStatus.Queued));
        Assert.That(scan.Start(T0.AddSeconds(1)).IsSuccess);
        scan.Progress(10, 7, 2, 1, T0.AddSeconds(2));
        scan.Complete(T0.AddSeconds(3));
        Assert.That((scan.Status, scan.FilesSeen, scan.FilesIdentified, scan.FilesUnmatched, scan.FilesMissing),
            Is.EqualTo((ScanStatus.Completed, 10, 7, 2, 1)));
        Assert.That(scan.FinishedAt, Is.EqualTo(T0.AddSeconds(3)));
        Assert.That(scan.IsActive, Is.False);
    }

    [Test]
    public void A_scan_starts_only_once()
    {
        var scan = Scan.Queue(LibraryId.New(), null, T0).Value;
        scan.Start(T0);
        Assert.That(scan.Start(T0).Error?.Code, Is.EqualTo("scan.not_queued"));
    }

    [Test]
    public void A_failure_says_why_and_ends_the_scan()
    {
        var scan = Scan.Queue(LibraryId.New(), null, T0).Value;
        scan.Start(T0);
        Assert.Throws<ArgumentException>(() => scan.Fail(" ", T0));
        scan.Fail("root unavailable", T0.AddSeconds(1));
        Assert.That((scan.Status, scan.Error), Is.EqualTo((ScanStatus.Failed, "root unavailable")));
        scan.Progress(5, 0, 0, 0, T0.AddSeconds(2));
        Assert.That(scan.FilesSeen, Is.Zero, "a finished scan does not move");
    }

    [Test]
    public void A_folder_scan_takes_a_library_relative_folder_only()
    {
        Assert.That(Scan.Queue(LibraryId.New(), "Movies/Heat (1995)/", T0).Value.Folder, Is.EqualTo("Movies/Heat (1995)"));
        Assert.That(Scan.Queue(LibraryId.New(), "../etc", T0).IsFailure);
        Assert.That(Scan.Queue(LibraryId.New(), "/etc", T0).IsFailure);
    }

    [Test]
    public void A_silent_active_scan_is_abandoned()
    {
        var scan = Scan.Queue(LibraryId.New(), null, T0).Value;
        scan.Start(T0);
        Assert.That(scan.IsAbandoned(T0.AddMinutes(1), TimeSpan.FromMinutes(2)), Is.False);
        Assert.That(scan.IsAbandoned(T0.AddMinutes(3), TimeSpan.FromMinutes(2)), Is.True);
        scan.Complete(T0.AddMinutes(3));
        Assert.That(scan.IsAbandoned(T0.AddHours(1), TimeSpan.FromMinutes(2)), Is.False);
    }

    [Test]
    public void A_queued_scan_is_never_abandoned_for_waiting()
    {
        var scan = Scan.Queue(LibraryId.New(), null, T0).Value;
        Assert.That(scan.IsAbandoned(T0.AddHours(5), TimeSpan.FromMinutes(2)), Is.False, "it waits its turn behind other scans");
    }

    [Test]
    public void Problems_are_all_counted_and_the_first_ones_kept()
    {
        var scan = Scan.Queue(LibraryId.New(), null, T0).Value;
        scan.Start(T0);
        for (var i = 0; i < Scan.MaxProblems + 5; i++) scan.Problem(new ScanProblem($"f{i}.mkv", "unstorable_name", new string('x', 5000)));
        Assert.That((scan.ProblemCount, scan.Problems.Count), Is.EqualTo((Scan.MaxProblems + 5, Scan.MaxProblems)));
        Assert.That(scan.Problems[0].Message, Has.Length.EqualTo(1000));
    }
}
