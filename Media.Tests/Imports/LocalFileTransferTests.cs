using System.Diagnostics;
using Media.Application.Imports;
using Media.Domain.Imports;
using Media.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using Media.Tests.Support;

namespace Media.Tests.Imports;

/// <summary>Hardlink or verified copy, on a real file system; a failure leaves the disk as it was.</summary>
public sealed class LocalFileTransferTests
{
    private string _dir = null!;
    private IFileTransfer _transfer = null!;
    private ServiceProvider _services = null!;

    private static CancellationToken Ct => TestContext.CurrentContext.CancellationToken;
    private string Downloads => Path.Combine(_dir, "downloads");
    private string Library => Path.Combine(_dir, "library");
    private Media.Domain.Libraries.StorageLocation InLibrary => Media.Domain.Libraries.StorageLocation.Local(Library);

    [SetUp]
    public void Create()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"media-transfer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Downloads);
        Directory.CreateDirectory(Library);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "sqlite", ["ConnectionStrings:Media"] = $"Data Source={Path.Combine(_dir, "unused.db")}",
        }).Build();
        _services = new ServiceCollection().AddLogging().AddMediaInfrastructure(configuration).BuildServiceProvider();
        _transfer = _services.GetRequiredService<IFileTransfer>();
    }

    [TearDown]
    public async Task Remove()
    {
        await _services.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string Source(string name, byte fill = 7, int size = 4096)
    {
        var path = Path.Combine(Downloads, name);
        File.WriteAllBytes(path, Enumerable.Repeat(fill, size).ToArray());
        return path;
    }


    [Test]
    public async Task Hardlinks_on_the_same_file_system()
    {
        var source = Source("movie.mkv");
        var outcome = await _transfer.TransferAsync(new(source, InLibrary, "Movie (2000)/Movie (2000).mkv", TransferMode.PreferHardlink), Ct);
        Assert.That((outcome.Succeeded, outcome.Method, outcome.Size, outcome.Note), Is.EqualTo((true, ImportMethod.Hardlink, 4096L, (string?)null)));
        var destination = Path.Combine(Library, "Movie (2000)/Movie (2000).mkv");
        Assert.That(TestFiles.Inode(destination), Is.EqualTo(TestFiles.Inode(source)), "the same inode");
        Assert.That(Directory.GetFiles(Path.Combine(Library, "Movie (2000)")), Has.Length.EqualTo(1), "no staging leftovers");
    }

    [Test]
    public async Task A_forced_copy_is_byte_identical_and_a_different_inode()
    {
        var source = Source("movie.mkv", fill: 42, size: 3 * 1024 * 1024 + 17);
        var outcome = await _transfer.TransferAsync(new(source, InLibrary, "M/M.mkv", TransferMode.Copy), Ct);
        Assert.That((outcome.Succeeded, outcome.Method), Is.EqualTo((true, ImportMethod.Copy)));
        var destination = Path.Combine(Library, "M/M.mkv");
        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(File.ReadAllBytes(source)));
        Assert.That(TestFiles.Inode(destination), Is.Not.EqualTo(TestFiles.Inode(source)));
    }

    [Test]
    public async Task An_existing_different_destination_fails_and_nothing_changes()
    {
        var source = Source("new.mkv", fill: 1);
        Directory.CreateDirectory(Path.Combine(Library, "M"));
        var existing = Path.Combine(Library, "M/M.mkv");
        File.WriteAllBytes(existing, [9, 9, 9]);
        var outcome = await _transfer.TransferAsync(new(source, InLibrary, "M/M.mkv", TransferMode.PreferHardlink), Ct);
        Assert.That((outcome.Succeeded, outcome.ErrorCode), Is.EqualTo((false, "destination_exists")));
        Assert.That(File.ReadAllBytes(existing), Is.EqualTo(new byte[] { 9, 9, 9 }), "never overwritten");
        Assert.That(File.Exists(source));
        Assert.That(Directory.GetFiles(Path.Combine(Library, "M")), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task The_same_file_already_there_counts_as_imported()
    {
        var source = Source("same.mkv");
        await _transfer.TransferAsync(new(source, InLibrary, "S/S.mkv", TransferMode.Copy), Ct);
        var again = await _transfer.TransferAsync(new(source, InLibrary, "S/S.mkv", TransferMode.PreferHardlink), Ct);
        Assert.That((again.Succeeded, again.AlreadyThere), Is.EqualTo((true, true)));
    }

    [Test]
    public async Task A_missing_source_fails_with_source_missing()
    {
        var outcome = await _transfer.TransferAsync(new(Path.Combine(Downloads, "gone.mkv"), InLibrary, "G/G.mkv", TransferMode.PreferHardlink), Ct);
        Assert.That((outcome.Succeeded, outcome.ErrorCode), Is.EqualTo((false, "source_missing")));
        Assert.That(Directory.Exists(Path.Combine(Library, "G")), Is.False);
    }

    [Test]
    public async Task An_upgrade_puts_the_new_file_in_place_and_recycles_the_old_one()
    {
        Directory.CreateDirectory(Path.Combine(Library, "U"));
        File.WriteAllBytes(Path.Combine(Library, "U/U.mkv"), [1, 2, 3]);
        var source = Source("better.mkv", fill: 5);
        var outcome = await _transfer.TransferAsync(new(source, InLibrary, "U/U.mkv", TransferMode.PreferHardlink, ReplaceExisting: true), Ct);
        Assert.That(outcome.Succeeded);
        Assert.That(outcome.Recycled, Is.EqualTo(".recycle/U/U.mkv"));
        Assert.That(File.ReadAllBytes(Path.Combine(Library, ".recycle/U/U.mkv")), Is.EqualTo(new byte[] { 1, 2, 3 }), "the old file is kept, not deleted");
        Assert.That(new FileInfo(Path.Combine(Library, "U/U.mkv")).Length, Is.EqualTo(4096));
    }

    [Test]
    public async Task A_destination_outside_the_library_is_refused()
    {
        var source = Source("x.mkv");
        Assert.That((await _transfer.TransferAsync(new(source, InLibrary, "../escape.mkv", TransferMode.Copy), Ct)).ErrorCode, Is.EqualTo("invalid_destination"));
        Directory.CreateDirectory(Path.Combine(_dir, "elsewhere"));
        File.CreateSymbolicLink(Path.Combine(Library, "link"), Path.Combine(_dir, "elsewhere"));
        Assert.That((await _transfer.TransferAsync(new(source, InLibrary, "link/x.mkv", TransferMode.Copy), Ct)).ErrorCode, Is.EqualTo("invalid_destination"));
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "elsewhere")), Is.Empty);
    }

    [Test]
    public async Task Across_file_systems_a_link_becomes_a_copy_that_says_why_or_fails_when_links_are_required()
    {
        // /dev/shm is a tmpfs: another file system than the temp folder on most machines.
        if (!Directory.Exists("/dev/shm")) Assert.Ignore("no /dev/shm here");
        var other = Path.Combine("/dev/shm", $"media-transfer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(other);
        try
        {
            var source = Path.Combine(other, "movie.mkv");
            File.WriteAllBytes(source, new byte[2048]);
            var probe = await _transfer.TransferAsync(new(source, InLibrary, "P/P.mkv", TransferMode.PreferHardlink), Ct);
            if (probe.Method == ImportMethod.Hardlink) Assert.Ignore("/dev/shm and the temp folder share a file system here");
            Assert.That((probe.Succeeded, probe.Method), Is.EqualTo((true, ImportMethod.Copy)));
            Assert.That(probe.Note, Does.Contain("different file systems"), "a copy made for want of a hardlink is never silent");

            var strict = await _transfer.TransferAsync(new(source, InLibrary, "Q/Q.mkv", TransferMode.HardlinkOnly), Ct);
            Assert.That((strict.Succeeded, strict.ErrorCode), Is.EqualTo((false, "hardlink_failed")));
            Assert.That(strict.Message, Does.Contain("cross_device"));
            Assert.That(File.Exists(Path.Combine(Library, "Q/Q.mkv")), Is.False);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }
}
