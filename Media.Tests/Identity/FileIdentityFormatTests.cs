using System.Runtime.InteropServices;
using System.Text;
using Media.Application.Storage;
using Media.Domain.Common;
using Media.Domain.MediaItems;
using Media.Infrastructure.Storage;

namespace Media.Tests.Identity;

/// <summary>
/// The identity Media writes into a file is one user extended attribute (one system call, small enough for ext4 to
/// keep in the inode); a file an earlier version tagged with five attributes is still read, and loses them when
/// written again. On a real temp file (ext4 or tmpfs: user xattrs).
/// </summary>
public sealed class FileIdentityFormatTests
{
    private string _file = "";

    [SetUp]
    public void CreateFile()
    {
        _file = Path.Combine(Path.GetTempPath(), $"media-identity-{Guid.NewGuid():N}.mkv");
        File.WriteAllBytes(_file, [1, 2, 3]);
    }

    [TearDown]
    public void DeleteFile() => File.Delete(_file);

    private static readonly IdentityTag Movie = new(new MediaFileId(Guid.Parse("0193a2b4-1111-7222-8333-444455556666")), MediaType.Movie, 603, null, []);
    private static readonly IdentityTag Episodes = new(new MediaFileId(Guid.Parse("0193a2b4-aaaa-7bbb-8ccc-ddddeeeeffff")), MediaType.Series, 1_399, 12, [9, 10]);

    [Test]
    public void An_identity_is_one_attribute_and_reads_back_as_written()
    {
        foreach (var tag in new[] { Movie, Episodes })
        {
            Assert.That(FileIdentity.Write(_file, tag), Is.Null);
            Assert.That(MediaAttributes(), Is.EqualTo(new[] { "user.media.id" }));
            var read = FileIdentity.ReadTag(_file)!;
            Assert.That((read.File, read.Type, read.TmdbId, read.Season, read.Episodes), Is.EqualTo((tag.File, tag.Type, tag.TmdbId, tag.Season, tag.Episodes)));
        }
        Assert.That(Value("user.media.id"), Is.EqualTo("v1;series;1399;12;9,10;0193a2b4-aaaa-7bbb-8ccc-ddddeeeeffff"));
    }

    [Test]
    public void A_file_tagged_by_an_earlier_version_is_read_and_written_again_as_one_attribute()
    {
        Set("user.media.type", "series");
        Set("user.media.tmdb_id", "1399");
        Set("user.media.season", "12");
        Set("user.media.episodes", "9,10");
        Set("user.media.file_id", Episodes.File.Value.ToString());

        var earlier = FileIdentity.ReadTag(_file)!;
        Assert.That((earlier.File, earlier.Type, earlier.TmdbId, earlier.Season, earlier.Episodes),
            Is.EqualTo((Episodes.File, Episodes.Type, Episodes.TmdbId, Episodes.Season, Episodes.Episodes)));

        Assert.That(FileIdentity.Write(_file, Movie), Is.Null);
        Assert.That(MediaAttributes(), Is.EqualTo(new[] { "user.media.id" }), "the earlier attributes are gone");
        Assert.That(FileIdentity.ReadTag(_file)?.File, Is.EqualTo(Movie.File));

        FileIdentity.Forget(_file);
        Assert.That(MediaAttributes(), Is.Empty);
        Assert.That(FileIdentity.ReadTag(_file), Is.Null);
    }

    [TestCase("")]
    [TestCase("v2;movie;603;;;0193a2b4-1111-7222-8333-444455556666")]
    [TestCase("v1;film;603;;;0193a2b4-1111-7222-8333-444455556666")]
    [TestCase("v1;movie;six;;;0193a2b4-1111-7222-8333-444455556666")]
    [TestCase("v1;movie;603;;;not-a-guid")]
    [TestCase("v1;movie;603;;0193a2b4-1111-7222-8333-444455556666")]
    public void A_value_Media_did_not_write_is_no_identity(string value)
    {
        Set("user.media.id", value);
        Assert.That(FileIdentity.ReadTag(_file), Is.Null);
    }

    private List<string> MediaAttributes()
    {
        var buffer = new byte[4096];
        var length = ListXattr(_file, buffer, buffer.Length);
        Assert.That((long)length, Is.GreaterThanOrEqualTo(0L), $"listxattr: errno {Marshal.GetLastPInvokeError()}");
        return Encoding.UTF8.GetString(buffer, 0, (int)length).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(n => n.StartsWith("user.media", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }

    private string Value(string name)
    {
        var buffer = new byte[512];
        var length = GetXattr(_file, name, buffer, buffer.Length);
        Assert.That((long)length, Is.GreaterThanOrEqualTo(0L));
        return Encoding.UTF8.GetString(buffer, 0, (int)length);
    }

    private void Set(string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Assert.That(SetXattr(_file, name, bytes, bytes.Length, 0), Is.Zero, $"setxattr: errno {Marshal.GetLastPInvokeError()}");
    }

    // Plain DllImport (the test project allows no unsafe code); strings go as UTF-8 on Linux.
    [DllImport("libc", EntryPoint = "listxattr", SetLastError = true)]
    private static extern nint ListXattr(string path, byte[] list, nint size);

    [DllImport("libc", EntryPoint = "getxattr", SetLastError = true)]
    private static extern nint GetXattr(string path, string name, byte[] value, nint size);

    [DllImport("libc", EntryPoint = "setxattr", SetLastError = true)]
    private static extern int SetXattr(string path, string name, byte[] value, nint size, int flags);
}
