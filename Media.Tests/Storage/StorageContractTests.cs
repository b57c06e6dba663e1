using System.Diagnostics;
using Media.Application.Downloads;
using Media.Application.Imports;
using Media.Application.Storage;
using Media.Domain.Imports;
using Media.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Storage;

/// <summary>
/// What every storage adapter promises, through the ports the scan, the match and the import use: the same tests
/// against a local folder and an Azurite container (under a prefix, beside blobs that are not the library's).
/// </summary>
[TestFixture(StorageKind.Local), TestFixture(StorageKind.AzureBlob)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StorageContractTests(StorageKind kind)
{
    private string _dir = null!;
    private ServiceProvider _services = null!;
    private StorageUnderTest _root = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;
    private ILibraryStorage Storage => _services.GetRequiredService<ILibraryStorageFactory>().For(_root.Location);
    private IFileTransfer Transfer => _services.GetRequiredService<IFileTransfer>();
    private string Downloads => Path.Combine(_dir, "downloads");

    [SetUp]
    public async Task Create()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"media-contract-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Downloads);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "sqlite", ["ConnectionStrings:Media"] = $"Data Source={Path.Combine(_dir, "unused.db")}",
            ["Media:DataDirectory"] = _dir,
        }).Build();
        _services = new ServiceCollection().AddLogging().AddMediaInfrastructure(configuration).BuildServiceProvider();
        _root = await StorageUnderTest.CreateAsync(kind, _services.GetRequiredService<ISecretProtector>());
    }

    [TearDown]
    public async Task Remove()
    {
        await _root.DisposeAsync();
        await _services.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static byte[] Bytes(int size, byte fill = 7) => Enumerable.Repeat(fill, size).ToArray();

    private async Task<(List<StoredFile> Files, List<WalkProblem> Problems)> WalkAsync(string? folder = null, Func<string, bool>? skip = null)
    {
        var files = new List<StoredFile>();
        var problems = new List<WalkProblem>();
        await foreach (var file in Storage.WalkAsync(folder, skip ?? (_ => false), problems.Add, Ct)) files.Add(file);
        return (files, problems);
    }

    private string Source(string name, byte[] content)
    {
        var path = Path.Combine(Downloads, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Test]
    public async Task Walk_NestedTree_ListsFilesWithSizes_AsksEachFolderOnce_AndSkipsWhatThePredicateSkips()
    {
        await _root.PutAsync("Heat (1995)/Heat (1995).mkv", Bytes(123));
        await _root.PutAsync("Heat (1995)/Featurettes/Making of.mkv", Bytes(5));
        await _root.PutAsync("Heat (1995)/Featurettes/Deeper/more.mkv", Bytes(5));
        await _root.PutAsync("Show/Season 01/Show - S01E01.mkv", Bytes(11));
        await _root.PutAsync("Show/Season 01/Show - S01E02.mkv", Bytes(12));
        await _root.PutAsync("Show/Season 02/Show - S02E01.mkv", Bytes(13));
        await _root.PutAsync(".recycle/Old (2001)/Old (2001).mkv", Bytes(3));
        await _root.PutAsync("A/B/C/deep.mkv", Bytes(4));
        await _root.PutAsync("top.mkv", Bytes(1));
        var asked = new List<string>();

        var (files, problems) = await WalkAsync(skip: folder =>
        {
            asked.Add(folder);
            return folder.EndsWith("Featurettes", StringComparison.Ordinal) || folder.StartsWith('.');
        });

        Assert.That(files.Select(f => (f.Path, f.Size)), Is.EquivalentTo(new[]
        {
            ("Heat (1995)/Heat (1995).mkv", 123L), ("Show/Season 01/Show - S01E01.mkv", 11L), ("Show/Season 01/Show - S01E02.mkv", 12L),
            ("Show/Season 02/Show - S02E01.mkv", 13L), ("A/B/C/deep.mkv", 4L), ("top.mkv", 1L),
        }));
        Assert.That(asked, Is.EquivalentTo(new[]
        {
            "Heat (1995)", "Heat (1995)/Featurettes", "Show", "Show/Season 01", "Show/Season 02", ".recycle", "A", "A/B", "A/B/C",
        }), "each folder is asked once, and nothing below a skipped folder");
        Assert.That(problems, Is.Empty);
        Assert.That(files.All(f => f.ModifiedAt > DateTimeOffset.UtcNow.AddHours(-1)), "the last change comes with the listing");
    }

    [Test]
    public async Task Walk_OneFolder_ListsOnlyThatFolder_AndAGoneFolderIsEmpty()
    {
        await _root.PutAsync("A/a.mkv", Bytes(1));
        await _root.PutAsync("A/Sub/s.mkv", Bytes(1));
        await _root.PutAsync("AB/ab.mkv", Bytes(1));
        await _root.PutAsync("B/b.mkv", Bytes(1));
        var asked = new List<string>();

        var (files, _) = await WalkAsync("A", f => { asked.Add(f); return false; });

        Assert.That(files.Select(f => f.Path), Is.EquivalentTo(new[] { "A/a.mkv", "A/Sub/s.mkv" }));
        Assert.That(asked, Is.EqualTo(new[] { "A/Sub" }), "folders below the one asked for, by their library-relative paths");
        Assert.That((await WalkAsync("Nope")).Files, Is.Empty);
    }

    [Test]
    public async Task Stat_KnownFile_HasItsSize_AndAnUnknownOrEscapingPathIsNull()
    {
        await _root.PutAsync("Heat (1995)/Heat (1995).mkv", Bytes(321));
        var stat = await Storage.StatAsync("Heat (1995)/Heat (1995).mkv", Ct);
        Assert.That(stat?.Size, Is.EqualTo(321));
        Assert.That(stat?.Path, Is.EqualTo("Heat (1995)/Heat (1995).mkv"));
        Assert.That(await Storage.StatAsync("Heat (1995)/Gone.mkv", Ct), Is.Null);
        Assert.That(await Storage.StatAsync("../library-old/Heat (1995)/Heat (1995).mkv", Ct), Is.Null);
    }

    [Test]
    public async Task UnavailableRoot_SaysWhy_AndTheWalkThrows()
    {
        foreach (var (why, location, _) in _root.Unavailable())
        {
            var storage = _services.GetRequiredService<ILibraryStorageFactory>().For(location);
            var clock = Stopwatch.StartNew();
            Assert.That(await storage.UnavailableReasonAsync(Ct), Is.Not.Null, why);
            await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
            {
                await foreach (var _ in storage.WalkAsync(null, _ => false, _ => { }, Ct)) { }
            }, why);
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), $"{why}: it fails fast");
        }
    }

    [Test]
    public async Task Import_NewDestination_BringsTheBytes_AndSaysHowTheyCame()
    {
        var content = Bytes(300_000, 42);
        var outcome = await Transfer.TransferAsync(new TransferRequest(
            Source("movie.mkv", content), _root.Location, "Movie (2000)/Movie (2000).mkv", TransferMode.PreferHardlink), Ct);

        Assert.That(outcome.Succeeded, outcome.Message);
        Assert.That(outcome.Size, Is.EqualTo(content.Length));
        Assert.That(await _root.ReadAsync("Movie (2000)/Movie (2000).mkv"), Is.EqualTo(content));
        Assert.That(await _root.NamesAsync(), Is.EqualTo(new[] { "Movie (2000)/Movie (2000).mkv" }), "nothing staged is left");
        if (_root.Hardlinks) Assert.That(outcome.Method, Is.EqualTo(ImportMethod.Hardlink));
        else
        {
            Assert.That(outcome.Method, Is.EqualTo(ImportMethod.Copy));
            Assert.That(outcome.Note, Does.Contain("hardlink is not possible"), "a copy made for want of a hardlink says why");
        }
        Assert.That((await Storage.StatAsync("Movie (2000)/Movie (2000).mkv", Ct))?.Size, Is.EqualTo(content.Length));
    }

    [Test]
    public async Task Import_OntoAnotherFile_NeverOverwrites_AndTheSameFileCountsAsImported()
    {
        await _root.PutAsync("M/M.mkv", Bytes(1000, 1));
        var different = await Transfer.TransferAsync(new TransferRequest(Source("m.mkv", Bytes(1000, 2)), _root.Location, "M/M.mkv", TransferMode.Copy), Ct);
        Assert.That(different.ErrorCode, Is.EqualTo("destination_exists"));
        Assert.That(await _root.ReadAsync("M/M.mkv"), Is.EqualTo(Bytes(1000, 1)), "the file in the library is untouched");

        var first = await Transfer.TransferAsync(new TransferRequest(Source("s.mkv", Bytes(2000, 3)), _root.Location, "S/S.mkv", TransferMode.Copy), Ct);
        var again = await Transfer.TransferAsync(new TransferRequest(Path.Combine(Downloads, "s.mkv"), _root.Location, "S/S.mkv", TransferMode.Copy), Ct);
        Assert.That(first.Succeeded && again.Succeeded && again.AlreadyThere, $"{first.Message} {again.Message}");
        Assert.That(await _root.NamesAsync(), Is.EquivalentTo(new[] { "M/M.mkv", "S/S.mkv" }));
    }

    [Test]
    public async Task Import_Upgrade_KeepsTheOldFileInTheRecycleFolder()
    {
        await _root.PutAsync("U/U.mkv", [1, 2, 3]);
        var outcome = await Transfer.TransferAsync(new TransferRequest(
            Source("u.mkv", Bytes(4096)), _root.Location, "U/U.mkv", TransferMode.Copy, ReplaceExisting: true), Ct);

        Assert.That(outcome.Succeeded, outcome.Message);
        Assert.That(outcome.Recycled, Is.EqualTo(".recycle/U/U.mkv"));
        Assert.That(await _root.ReadAsync(".recycle/U/U.mkv"), Is.EqualTo(new byte[] { 1, 2, 3 }), "the old file is kept");
        Assert.That(await _root.ReadAsync("U/U.mkv"), Is.EqualTo(Bytes(4096)));
    }

    [Test]
    public async Task Import_SourceThatChangesWhileRead_FailsAndLeavesNothingBehind()
    {
        // A named pipe: it says 0 bytes, then 3 MB come through it, as a file rewritten during the import would.
        var source = Path.Combine(Downloads, "growing.mkv");
        using (var mkfifo = Process.Start("mkfifo", [source])) await mkfifo.WaitForExitAsync(Ct);
        var writer = Task.Run(async () =>
        {
            await using var pipe = new FileStream(source, FileMode.Open, FileAccess.Write);
            await pipe.WriteAsync(Bytes(3 << 20), Ct);
        }, Ct);
        await _root.PutAsync("Keep/Keep.mkv", Bytes(10));

        var outcome = await Transfer.TransferAsync(new TransferRequest(source, _root.Location, "Grown/Grown.mkv", TransferMode.Copy), Ct);

        if (!writer.IsCompleted)
        {
            // Let the writer go: a reader of its pipe. Opening a pipe's read end waits for a writer, and the writer may
            // have finished just now: then the write end is opened once more, which releases the waiting open.
            var reader = Task.Run(() => new FileStream(source, FileMode.Open, FileAccess.Read).Dispose(), Ct);
            if (await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(5), Ct)) != reader)
                await using (new FileStream(source, FileMode.Open, FileAccess.Write)) { }
            await reader;
        }
        await writer;
        Assert.That(outcome.Succeeded, Is.False);
        Assert.That(outcome.ErrorCode, Is.EqualTo("verify_failed"), outcome.Message);
        Assert.That(await _root.NamesAsync(), Is.EqualTo(new[] { "Keep/Keep.mkv" }), "no partial file and no staging leftovers");
        Assert.That(await Storage.StatAsync("Grown/Grown.mkv", Ct), Is.Null);
    }

    [Test]
    public async Task Import_OfAMissingSourceOrOutsideTheRoot_FailsWithItsCode()
    {
        var gone = await Transfer.TransferAsync(new TransferRequest(Path.Combine(Downloads, "gone.mkv"), _root.Location, "G/G.mkv", TransferMode.Copy), Ct);
        var escape = await Transfer.TransferAsync(new TransferRequest(Source("e.mkv", Bytes(10)), _root.Location, "../escape.mkv", TransferMode.Copy), Ct);
        Assert.That((gone.ErrorCode, escape.ErrorCode), Is.EqualTo(("source_missing", "invalid_destination")));
        Assert.That(await _root.NamesAsync(), Is.Empty);
    }
}
