using System.Diagnostics;
using Media.Application.Storage;
using Media.Domain.Libraries;
using Media.Infrastructure.Storage;

namespace Media.Tests.Storage;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalLibraryStorageTests
{
    private string _root = null!;
    private string _outside = null!;

    [SetUp]
    public void CreateTree()
    {
        var top = Path.Combine(Path.GetTempPath(), $"media-storage-{Guid.NewGuid():N}");
        _root = Path.Combine(top, "library");
        _outside = Path.Combine(top, "outside");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
    }

    [TearDown]
    public void DeleteTree()
    {
        // .NET cannot name a file whose name is not UTF-8, so rm removes the tree.
        using var rm = Process.Start("rm", ["-rf", Path.GetDirectoryName(_root)!]);
        rm.WaitForExit();
    }

    private void Write(string relative, int size = 10)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[size]);
    }

    private ILibraryStorage Storage => new LocalLibraryStorageFactory().For(StorageLocation.Local(_root));

    private async Task<(List<StoredFile> Files, List<WalkProblem> Problems)> Walk(string? folder = null, Func<string, bool>? skip = null)
    {
        var problems = new List<WalkProblem>();
        var files = new List<StoredFile>();
        await foreach (var file in Storage.WalkAsync(folder, skip ?? (_ => false), problems.Add, CancellationToken.None)) files.Add(file);
        return (files, problems);
    }

    [Test]
    public async Task Walk_ListsEveryFileWithRelativePathAndSize()
    {
        Write("The Matrix (1999)/The Matrix (1999).mkv", 123);
        Write("Show/Season 01/Show - S01E01.mkv", 5);
        Write("top.mkv", 1);
        var (files, problems) = await Walk();
        Assert.That(files.Select(f => f.Path), Is.EquivalentTo(new[] { "The Matrix (1999)/The Matrix (1999).mkv", "Show/Season 01/Show - S01E01.mkv", "top.mkv" }));
        Assert.That(files.Single(f => f.Path == "top.mkv").Size, Is.EqualTo(1));
        Assert.That(files.Single(f => f.Path.StartsWith("The Matrix", StringComparison.Ordinal)).Size, Is.EqualTo(123));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task Walk_OneFolder_ListsOnlyIt()
    {
        Write("A/a.mkv");
        Write("B/b.mkv");
        var (files, _) = await Walk("A");
        Assert.That(files.Select(f => f.Path), Is.EqualTo(new[] { "A/a.mkv" }));
    }

    [Test]
    public async Task Walk_MissingFolder_IsEmpty_ButMissingRootThrows()
    {
        Write("A/a.mkv");
        Assert.That((await Walk("Nope")).Files, Is.Empty);
        Directory.Delete(_root, recursive: true);
        await Assert.ThrowsAsync<StorageUnavailableException>(async () => await Walk());
    }

    [Test]
    public async Task Walk_SkipsFoldersThePredicateRefuses_GivenTheirLibraryRelativePath()
    {
        Write("Movie/movie.mkv");
        Write("Movie/Featurettes/extra.mkv");
        Write(".hidden/x.mkv");
        var (files, _) = await Walk(skip: folder => folder.StartsWith('.') || folder == "Movie/Featurettes");
        Assert.That(files.Select(f => f.Path), Is.EqualTo(new[] { "Movie/movie.mkv" }));
    }

    [Test]
    public async Task Walk_FollowsLinksInsideRoot_NotOutside_ReportsBrokenAndLoops()
    {
        Write("Real/a.mkv");
        File.WriteAllBytes(Path.Combine(_outside, "secret.mkv"), new byte[3]);
        File.CreateSymbolicLink(Path.Combine(_root, "inside-link.mkv"), Path.Combine(_root, "Real/a.mkv"));
        File.CreateSymbolicLink(Path.Combine(_root, "outside-link.mkv"), Path.Combine(_outside, "secret.mkv"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "OutsideDir"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "broken.mkv"), Path.Combine(_root, "nothing-here.mkv"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "Real", "loop"), _root);

        var (files, problems) = await Walk();

        Assert.That(files.Select(f => f.Path), Is.EquivalentTo(new[] { "Real/a.mkv", "inside-link.mkv" }));
        Assert.That(problems.Select(p => (p.Path, p.Kind)), Is.SupersetOf(new[]
        {
            ("outside-link.mkv", WalkProblemKind.LinkOutsideRoot),
            ("OutsideDir", WalkProblemKind.LinkOutsideRoot),
            ("broken.mkv", WalkProblemKind.BrokenLink),
            ("Real/loop", WalkProblemKind.LinkLoop),
        }));
    }

    [Test]
    public async Task Walk_LinksToFoldersOfTheWalk_AreNotFollowed_WhicheverComesFirst()
    {
        // Twenty links beside the twenty folders they lead to: the directory's order decides which one a walk meets
        // first, and each folder's files are seen once, at the folder's own path, never at the link's.
        for (var i = 0; i < 20; i++)
        {
            Write($"Title {i:D2}/movie.mkv");
            Directory.CreateSymbolicLink(Path.Combine(_root, $"link {i:D2}"), Path.Combine(_root, $"Title {i:D2}"));
        }

        var (files, problems) = await Walk();

        Assert.That(files.Select(f => f.Path), Is.EquivalentTo(Enumerable.Range(0, 20).Select(i => $"Title {i:D2}/movie.mkv")));
        Assert.That(problems.Select(p => (p.Path, p.Kind)), Is.EquivalentTo(Enumerable.Range(0, 20).Select(i => ($"link {i:D2}", WalkProblemKind.LinkLoop))));
    }

    [Test]
    public async Task Walk_OfAFolder_FollowsALinkElsewhereInTheRoot_Once_EvenWhenItLoops()
    {
        Write("Movies/Heat (1995)/Heat.mkv");
        Write("Elsewhere/Alien (1979)/Alien.mkv");
        Directory.CreateSymbolicLink(Path.Combine(_root, "Movies", "More"), Path.Combine(_root, "Elsewhere"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "Elsewhere", "Alien (1979)", "again"), Path.Combine(_root, "Elsewhere"));

        var (files, problems) = await Walk("Movies");

        Assert.That(files.Select(f => f.Path), Is.EquivalentTo(new[] { "Movies/Heat (1995)/Heat.mkv", "Movies/More/Alien (1979)/Alien.mkv" }));
        Assert.That(problems.Select(p => (p.Path, p.Kind)), Is.EqualTo(new[] { ("Movies/More/Alien (1979)/again", WalkProblemKind.LinkLoop) }));
    }

    [Test]
    public async Task Walk_NonUtf8Name_IsReportedAndSkipped()
    {
        Write("ok.mkv");
        using (var touch = Process.Start("/bin/sh", ["-c", $"touch \"{_root}/$(printf 'bad\\377name.mkv')\""])) await touch.WaitForExitAsync();
        var (files, problems) = await Walk();
        Assert.That(files.Select(f => f.Path), Is.EqualTo(new[] { "ok.mkv" }));
        Assert.That(problems.Single().Kind, Is.EqualTo(WalkProblemKind.BadName));
    }

    [Test]
    public async Task Walk_UnreadableFolder_IsReportedAndSkipped()
    {
        if (Environment.UserName == "root") Assert.Ignore("root reads every folder; UnreadableFolderScanTests covers the scan side with a fake storage.");
        Write("Locked/a.mkv");
        Write("Open/b.mkv");
        File.SetUnixFileMode(Path.Combine(_root, "Locked"), UnixFileMode.None);
        try
        {
            var (files, problems) = await Walk();
            Assert.That(files.Select(f => f.Path), Is.EqualTo(new[] { "Open/b.mkv" }));
            Assert.That(problems.Single(), Has.Property("Kind").EqualTo(WalkProblemKind.Unreadable).And.Property("Path").EqualTo("Locked"));
        }
        finally
        {
            File.SetUnixFileMode(Path.Combine(_root, "Locked"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Test]
    public async Task Availability_OfMissingRoot_SaysWhy()
    {
        Assert.That(await Storage.UnavailableReasonAsync(CancellationToken.None), Is.Null);
        Directory.Delete(_root);
        Assert.That(await Storage.UnavailableReasonAsync(CancellationToken.None), Does.Contain("does not exist"));
    }

    [Test]
    public async Task Stat_FindsFiles_RefusesEscapes()
    {
        Write("a/b.mkv", 7);
        File.WriteAllBytes(Path.Combine(_outside, "secret.mkv"), new byte[3]);
        File.CreateSymbolicLink(Path.Combine(_root, "out.mkv"), Path.Combine(_outside, "secret.mkv"));
        Assert.That((await Storage.StatAsync("a/b.mkv", CancellationToken.None))?.Size, Is.EqualTo(7));
        Assert.That(await Storage.StatAsync("a/none.mkv", CancellationToken.None), Is.Null);
        Assert.That(await Storage.StatAsync("../outside/secret.mkv", CancellationToken.None), Is.Null);
        Assert.That(await Storage.StatAsync("out.mkv", CancellationToken.None), Is.Null);
    }

    [Test, NonParallelizable]
    public async Task Walk_OfARootWithManyFolders_OnTwoThreads_FindsWhatOneThreadFinds_InTheSameOrder()
    {
        // 300 title folders (a second thread walks the later half), nested folders, links (one a loop from the later
        // half into the earlier), a skipped folder and problems in both halves.
        for (var i = 0; i < 300; i++)
        {
            Write($"Title {i:D3} (2001)/Title {i:D3} (2001).mkv", i + 1);
            if (i % 7 == 0) Write($"Title {i:D3} (2001)/Extras/sample {i}.mkv");
        }
        Write("top.mkv");
        Directory.CreateSymbolicLink(Path.Combine(_root, "Title 250 (2001)", "loop"), Path.Combine(_root, "Title 010 (2001)"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "Title 020 (2001)", "outside"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "Title 280 (2001)", "broken.mkv"), Path.Combine(_root, "nothing.mkv"));
        var skipped = new List<string>();
        bool Skip(string folder)
        {
            skipped.Add(folder);
            return folder.EndsWith("/Extras", StringComparison.Ordinal) && folder.StartsWith("Title 1", StringComparison.Ordinal);
        }

        var split = await Walk(skip: Skip);
        var splitSkipped = skipped.Order(StringComparer.Ordinal).ToList();
        skipped.Clear();
        var before = LocalLibraryStorage.SplitAt;
        LocalLibraryStorage.SplitAt = int.MaxValue;
        (List<StoredFile> Files, List<WalkProblem> Problems) one;
        try
        {
            one = await Walk(skip: Skip);
        }
        finally
        {
            LocalLibraryStorage.SplitAt = before;
        }

        Assert.That(split.Files.Select(f => (f.Path, f.Size)), Is.EqualTo(one.Files.Select(f => (f.Path, f.Size))), "the same files, in the same order");
        Assert.That(split.Problems, Is.EqualTo(one.Problems));
        Assert.That(splitSkipped, Is.EqualTo(skipped.Order(StringComparer.Ordinal)), "every folder asked about once, as by one thread");
        Assert.That(one.Files, Has.Count.EqualTo(300 + 1 + 43 - 14), "300 titles, top.mkv, the extras outside Title 1xx");
        Assert.That(one.Problems.Select(p => p.Kind), Is.EquivalentTo(new[] { WalkProblemKind.LinkLoop, WalkProblemKind.LinkOutsideRoot, WalkProblemKind.BrokenLink }));
    }
}
