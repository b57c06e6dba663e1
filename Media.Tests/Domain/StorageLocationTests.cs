using Media.Domain.Libraries;

namespace Media.Tests.Domain;

public sealed class StorageLocationTests
{
    [TestCase("media", "media", "media", "")]
    [TestCase("media/Movies", "media/Movies", "media", "Movies")]
    [TestCase(" /media/Movies/4K/ ", "media/Movies/4K", "media", "Movies/4K")]
    [TestCase("my-media-2/Films (HD)", "my-media-2/Films (HD)", "my-media-2", "Films (HD)")]
    public void AzureBlob_ContainerAndPrefix_AreAccepted(string root, string expected, string container, string prefix)
    {
        var location = StorageLocation.Create("azure-blob", root, "protected").Value;
        Assert.That((location.Root, location.ContainerAndPrefix), Is.EqualTo((expected, (container, prefix))));
    }

    [TestCase("Media")]          // upper case
    [TestCase("me")]             // too short
    [TestCase("media--x")]       // two hyphens
    [TestCase("-media")]
    [TestCase("media_x")]
    [TestCase("media/a//b")]
    [TestCase("media/a/../b")]
    [TestCase("media/./b")]
    [TestCase(@"media/a\b")]
    public void AzureBlob_BadRoot_IsAFieldError(string root) =>
        Assert.That(StorageLocation.Create("azure-blob", root, "protected").Error?.Fields?.Keys, Is.EquivalentTo(new[] { "storage.root" }));

    [Test]
    public void AzureBlob_WithoutConnectionString_IsAFieldError() =>
        Assert.That(StorageLocation.Create("azure-blob", "media", null).Error?.Fields?.Keys, Is.EquivalentTo(new[] { "storage.connectionString" }));

    [Test]
    public void Local_WithConnectionString_IsAFieldError_AndWithoutIsUnchanged()
    {
        Assert.That(StorageLocation.Create("local", "/srv/media", "protected").Error?.Fields?.Keys, Is.EquivalentTo(new[] { "storage.connectionString" }));
        var local = StorageLocation.Create("local", "/srv/media/").Value;
        Assert.That((local.Provider, local.Root, local.ProtectedConnectionString), Is.EqualTo(("local", "/srv/media", (string?)null)));
    }

    [Test]
    public void SamePlace_IgnoresTheCredentials() =>
        Assert.That(StorageLocation.Create("azure-blob", "media/x", "one").Value.SamePlaceAs(StorageLocation.Create("azure-blob", "media/x/", "two").Value));

    [TestCase("UseDevelopmentStorage=true")]
    [TestCase("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5a2V5a2V5;EndpointSuffix=core.windows.net")]
    [TestCase("BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2024-11-04&ss=b&sig=abc%3D")]
    [TestCase("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5a2V5a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;")]
    public void ConnectionString_WellFormed_IsAccepted(string value) => Assert.That(BlobConnectionString.Problem(value), Is.Null);

    [TestCase("", "required")]
    [TestCase("just some text", "key=value")]
    [TestCase("AccountName=acct;Password=x", "Password")]
    [TestCase("AccountName=acct", "credential")]
    [TestCase("AccountName=acct;AccountKey=not base64!", "base64")]
    [TestCase("AccountKey=a2V5;BlobEndpoint=https://x/", "AccountName")]
    [TestCase("SharedAccessSignature=sig=x", "names no account")]
    [TestCase("BlobEndpoint=ftp://x/;SharedAccessSignature=sig=x", "BlobEndpoint")]
    [TestCase("AccountName=a;AccountName=b;AccountKey=a2V5", "twice")]
    public void ConnectionString_Malformed_SaysWhat(string value, string said) =>
        Assert.That(BlobConnectionString.Problem(value), Does.Contain(said));

    [Test]
    public void ConnectionString_Problem_NeverEchoesTheSecret() =>
        Assert.That(BlobConnectionString.Problem("supersecretvalue-without-equals;AccountName=a"), Does.Not.Contain("supersecret"));
}
