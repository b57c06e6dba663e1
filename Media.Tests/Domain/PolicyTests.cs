using Media.Application.Downloads;
using Media.Domain.Common;
using Media.Domain.Policies;

namespace Media.Tests.Domain;

public sealed class PolicyTests
{
    private static Policy With(params Rule[] rules) => Policy.Create(LibraryId.New(), "Quality", rules, [], DateTimeOffset.UtcNow);

    [Test]
    public void Accepts_a_release_every_rule_accepts()
    {
        var policy = With(new Rule(RuleKind.Resolution, "1080p, 2160p"), new Rule(RuleKind.MinSize, "500MB"), new Rule(RuleKind.MaxSize, "20GB"),
            new Rule(RuleKind.RequiredWord, "BluRay"), new Rule(RuleKind.ForbiddenWord, "CAM"));
        Assert.That(policy.Reasons(new ReleaseFacts("Heat.1995.1080p.BluRay.x264-GRP", 8L << 30, "1080p")), Is.Empty);
    }

    [Test]
    public void Gives_a_reason_for_each_rule_that_rejects()
    {
        var policy = With(new Rule(RuleKind.Resolution, "1080p"), new Rule(RuleKind.MaxSize, "1GB"), new Rule(RuleKind.ForbiddenWord, "cam"),
            new Rule(RuleKind.RequiredWord, "remux"));
        var reasons = policy.Reasons(new ReleaseFacts("Movie.2020.CAM.720p-GRP", 2L << 30, "720p"));
        Assert.That(reasons, Has.Count.EqualTo(4));
        Assert.That(string.Join(" ", reasons), Does.Contain("720p").And.Contain("maximum").And.Contain("forbidden").And.Contain("required"));
    }

    [Test]
    public void Words_match_whole_words_and_sizes_pass_while_unknown()
    {
        var policy = With(new Rule(RuleKind.ForbiddenWord, "TS"), new Rule(RuleKind.MinSize, "100MB"));
        Assert.That(policy.Reasons(new ReleaseFacts("Tsunami.2004.1080p", null, "1080p")), Is.Empty, "'TS' is not in 'Tsunami'; the size is not known yet");
        Assert.That(policy.Reasons(new ReleaseFacts("Movie.2020.TS.XviD", 10, null)), Has.Count.EqualTo(2));
    }

    [TestCase("700MB", 700L << 20)]
    [TestCase("4.5GB", (long)(4.5 * (1L << 30)))]
    [TestCase("123", 123L)]
    [TestCase("lots", null)]
    public void Reads_sizes(string text, long? bytes) => Assert.That(PolicyRules.Bytes(text), Is.EqualTo(bytes));

    [Test]
    public void Checks_rule_and_action_values()
    {
        Assert.That(PolicyRules.Check(new Rule(RuleKind.Resolution, "1080p,4k")), Is.Not.Null);
        Assert.That(PolicyRules.Check(new Rule(RuleKind.MinSize, "big")), Is.Not.Null);
        Assert.That(PolicyRules.Check(new PolicyAction(ActionKind.ImportMethod, "teleport")), Is.Not.Null);
        Assert.That(PolicyRules.Check(new PolicyAction(ActionKind.ImportMethod, "hardlink_only")), Is.Null);
        Assert.That(PolicyRules.Check(new PolicyAction(ActionKind.RemoveTorrent, "yes")), Is.Not.Null);
    }

    [Test]
    public void Reads_the_release_name_of_a_magnet_uri()
    {
        var (name, size) = TorrentMetadata.Read(TorrentSource.FromUri("magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=Heat.1995.1080p.BluRay&xl=1048576"));
        Assert.That((name, size), Is.EqualTo(("Heat.1995.1080p.BluRay", (long?)1048576)));
    }
}
