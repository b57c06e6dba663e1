using Media.Domain.Common;
using Media.Domain.Libraries;

namespace Media.Tests.Domain;

public sealed class LibraryTests
{
    [TestCase("/srv/media/movies/", "/srv/media/movies")]
    [TestCase("/", "/")]
    [TestCase("D:\\Media\\", "D:\\Media")]
    public void StorageLocation_Absolute_IsAccepted(string root, string expected) =>
        Assert.That(StorageLocation.Create("local", root).Value.Root, Is.EqualTo(expected));

    [TestCase("relative/path")]
    [TestCase("")]
    [TestCase("/srv/../etc")]
    [TestCase("C:")]
    public void StorageLocation_NotAbsolute_IsValidationError(string root) =>
        Assert.That(StorageLocation.Create("local", root).Error?.Fields?.Keys, Does.Contain("storage.root"));

    [Test]
    public void StorageLocation_UnknownProvider_IsValidationError() =>
        Assert.That(StorageLocation.Create("ftp", "/x").Error?.Fields?.Keys, Does.Contain("storage.provider"));

    [Test]
    public void Create_WithoutName_IsValidationError() =>
        Assert.That(Library.Create(" ", LibraryKind.Movies, StorageLocation.Local("/x"), A.At).Error?.Kind, Is.EqualTo(ErrorKind.Validation));

    [Test]
    public void Update_KindWithFiles_IsConflict()
    {
        var library = A.MovieLibrary();
        var result = library.Update("Movies", LibraryKind.Series, library.Storage, hasFiles: true);
        Assert.That(result.Error?.Kind, Is.EqualTo(ErrorKind.Conflict));
        Assert.That(library.Kind, Is.EqualTo(LibraryKind.Movies));
    }

    [Test]
    public void Holds_OnlyItsKind()
    {
        Assert.That(A.MovieLibrary().Holds(Media.Domain.MediaItems.MediaType.Movie));
        Assert.That(A.MovieLibrary().Holds(Media.Domain.MediaItems.MediaType.Series), Is.False);
    }

    [TestCase("a/b.mkv", "a/b.mkv")]
    [TestCase("a\\b.mkv", "a\\b.mkv")] // a backslash is part of a Linux name, never a separator
    [TestCase("a//b.mkv", "a/b.mkv")]
    public void RelativePath_Normalizes(string path, string expected) =>
        Assert.That(RelativePath.Normalize(path).Value, Is.EqualTo(expected));

    [TestCase("/a")]
    [TestCase("..")]
    [TestCase("a/./b")]
    [TestCase("C:/x")]
    [TestCase("a\0b")]
    public void RelativePath_Refuses(string path) =>
        Assert.That(RelativePath.Normalize(path).IsFailure);

    [TestCase("/srv/movies", "/srv/movies")]
    [TestCase("/srv/movies/", "/srv/movies")]
    [TestCase("/srv/movies//", "/srv/movies")]
    [TestCase("/srv//movies", "/srv/movies")]
    [TestCase("/srv/./movies/.", "/srv/movies")]
    [TestCase("/", "/")]
    [TestCase("D:\\media\\", "D:\\media")]
    public void StorageRoot_IsNormalized(string root, string expected) =>
        Assert.That(StorageLocation.Local(root).Root, Is.EqualTo(expected));

    [Test]
    public void StorageRoot_WithParentSegments_IsRefused() =>
        Assert.That(StorageLocation.Create("local", "/srv/movies/../tv").IsFailure);

    [TestCase("/srv/movies", "/srv/movies", true)]
    [TestCase("/srv/movies", "/srv/movies/4k", true)]
    [TestCase("/srv", "/srv/movies", true)]
    [TestCase("/", "/srv/movies", true)]
    [TestCase("/srv/movies", "/srv/movies-4k", false)]
    [TestCase("/srv/movies", "/srv/tv", false)]
    public void StorageRoots_Overlap_WhenOneHoldsTheOther(string a, string b, bool overlap)
    {
        Assert.That(StorageLocation.Local(a).Overlaps(StorageLocation.Local(b)), Is.EqualTo(overlap));
        Assert.That(StorageLocation.Local(b).Overlaps(StorageLocation.Local(a)), Is.EqualTo(overlap));
    }
}
