using Media.Application.Common;
using Media.Application.MediaItems;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Infrastructure.Persistence.Repositories;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Persistence;

/// <summary>
/// A title search's total is counted in the titles' search texts held in memory (<see cref="TitleSearchTexts"/>) while no
/// title changed, and by the database after any title was added, renamed or removed, by this instance or another, until
/// the texts are read again.
/// </summary>
[TestFixture(Provider.Postgres)]
[TestFixture(Provider.Sqlite)]
public sealed class SearchCountTests(Provider provider) : DatabaseTest(provider)
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly PageRequest FirstPage = new(1, 50);

    private Task<int> TotalAsync(string search, MediaType? type = null) =>
        InNewScope(s => s.GetRequiredService<IMediaItemRepository>().CountAsync(new MediaItemsPage(type, search, FirstPage), Ct));

    [Test]
    public async Task A_search_is_counted_again_after_any_title_changes()
    {
        var heat = MediaItem.Movie(949, "Heat", null, 1995, at: At);
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(heat, MediaItem.Movie(1, "Wheat Fields", null, 2001, At), MediaItem.Movie(2, "Alien", null, 1979, At),
                MediaItem.Series(3, "The Heat Is On", null, 2020, At));
            await db.SaveChangesAsync(Ct);
        });
        Assert.That(await TotalAsync("heat"), Is.EqualTo(3));
        await Texts.ReadNowAsync();
        Assert.That(Texts.Count(await VersionAsync(), "heat", null), Is.EqualTo(3), "held");
        Assert.That(await TotalAsync("heat", MediaType.Movie), Is.EqualTo(2));
        Assert.That(await TotalAsync("heat"), Is.EqualTo(3), "asked again, nothing changed");

        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            (await db.Set<MediaItem>().SingleAsync(m => m.TmdbId == 2, Ct)).UpdateDetails("Aliens in the Heat", null, 1979);
            await db.SaveChangesAsync(Ct);
        });
        Assert.That(await TotalAsync("heat"), Is.EqualTo(4), "after a title was renamed into the search");
        Assert.That(await TotalAsync("heat", MediaType.Movie), Is.EqualTo(3));

        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Add(MediaItem.Movie(4, "Cheat", null, 2000, At));
            await db.SaveChangesAsync(Ct);
        });
        Assert.That(await TotalAsync("heat"), Is.EqualTo(5), "after a title was added");

        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Remove(await db.Set<MediaItem>().SingleAsync(m => m.TmdbId == 949, Ct));
            await db.SaveChangesAsync(Ct);
        });
        Assert.That(await TotalAsync("heat"), Is.EqualTo(4), "after a title was removed");
    }

    [Test]
    public async Task A_new_search_is_counted_in_the_texts_held_while_no_title_changed()
    {
        if (Provider != Provider.Postgres) Assert.Ignore("needs a write that the counting triggers do not see (PostgreSQL can switch them off)");
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(MediaItem.Movie(100, "Zodiac", null, 2007, At), MediaItem.Movie(101, "Zodiac Killer", null, 2007, At));
            await db.SaveChangesAsync(Ct);
        });
        await Texts.ReadNowAsync();

        // A title the triggers do not see: the version holds, so searches never asked before are counted in the texts held.
        await InNewScope(async s => await s.GetRequiredService<MediaDbContext>().Database.ExecuteSqlRawAsync("""
            ALTER TABLE media_item DISABLE TRIGGER USER;
            INSERT INTO media_item (id, type, tmdb_id, title, original_title, year, created_at) VALUES (gen_random_uuid(), 'movie', 102, 'Zodiac II', NULL, 2010, now());
            ALTER TABLE media_item ENABLE TRIGGER USER;
            """, Ct));
        Assert.That(await TotalAsync("odiac"), Is.EqualTo(2), "counted in the texts held, the titles' version unchanged");
        Assert.That(await TotalAsync("zodiac k"), Is.EqualTo(1));

        // Any change the triggers see moves the version: counted by the database, the unseen title with it, until the
        // texts are read again.
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            (await db.Set<MediaItem>().SingleAsync(m => m.TmdbId == 100, Ct)).UpdateDetails("Zodiac", "Zodiac", 2007);
            await db.SaveChangesAsync(Ct);
        });
        Assert.That(await TotalAsync("diac"), Is.EqualTo(3));
        await Texts.ReadNowAsync();
        Assert.That(Texts.Count(await VersionAsync(), "zodiac ii", null), Is.EqualTo(1), "held, read again");
    }

    [Test]
    public async Task After_titles_change_a_search_has_the_texts_read_again_in_the_background()
    {
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.Add(MediaItem.Movie(300, "Solaris", null, 1972, At));
            await db.SaveChangesAsync(Ct);
        });
        var version = await VersionAsync();
        Assert.That(Texts.Count(version, "solaris", null), Is.Null, "not held at this version yet");

        // Each search asks for a read (the first at once; then at most a tenth of the time): the texts come to be held.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Texts.Count(version, "solaris", null) is null)
        {
            Assert.That(await TotalAsync("solaris"), Is.EqualTo(1));
            Assert.That(waited.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "the texts were not read again");
            await Task.Delay(20, Ct);
        }
        Assert.That(Texts.Count(version, "solaris", null), Is.EqualTo(1));
        Assert.That(await TotalAsync("solaris"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_texts_held_count_what_the_database_counts()
    {
        // Accents, other scripts, LIKE's own characters, a backslash, original titles, both types.
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            db.AddRange(
                MediaItem.Movie(400, "Amélie", "Le Fabuleux Destin d'Amélie Poulain", 2001, At),
                MediaItem.Movie(401, "Æon Flux", null, 2005, At),
                MediaItem.Movie(402, "100% Wolf", null, 2020, At),
                MediaItem.Movie(403, "Under_score", null, 2020, At),
                MediaItem.Movie(404, "Back\\Slash", null, 2020, At),
                MediaItem.Movie(405, "Crouching Tiger, Hidden Dragon", "臥虎藏龍", 2000, At),
                MediaItem.Series(406, "Dark", "Dark", 2017, At),
                MediaItem.Series(407, "Amélie's Garden", null, 2019, At),
                MediaItem.Movie(408, "🎬 Cinema Paradiso", "Nuovo Cinema Paradiso", 1988, At),
                MediaItem.Movie(409, "Abab Abab", null, 1999, At),
                MediaItem.Movie(410, "HEAT WAVE", null, 1990, At),
                MediaItem.Movie(411, "École", "ÉCOLE DES FEMMES", 1990, At),
                MediaItem.Movie(412, "Kelvin K", null, 1990, At));
            await db.SaveChangesAsync(Ct);
        });
        await Texts.ReadNowAsync();
        var version = await VersionAsync();
        string[] searches = ["amé", "é", "%", "_", "100%", "wolf", "\\", "臥虎", "🎬", "ab", "abab", "flux", "æon", "n d", "poulain", "dark", "d'", "e", "zzz", "a", "heat", "école", "ÉCOLE", "k", "K"];
        foreach (var search in searches)
            foreach (var type in new MediaType?[] { null, MediaType.Movie, MediaType.Series })
                Assert.That(Texts.Count(version, search.ToLowerInvariant(), type), Is.EqualTo(await DatabaseCountAsync(search.ToLowerInvariant(), type)), $"{search} ({type})");
    }

    private TitleSearchTexts Texts => Services.GetRequiredService<TitleSearchTexts>();

    private Task<long> VersionAsync() =>
        InNewScope(s => s.GetRequiredService<MediaDbContext>().Database.SqlQueryRaw<long>("SELECT CAST(coalesce(sum(version), 0) AS bigint) AS \"Value\" FROM media_item_count").SingleAsync(Ct));

    private Task<int> DatabaseCountAsync(string search, MediaType? type) => InNewScope(s =>
    {
        var titles = s.GetRequiredService<MediaDbContext>().Set<MediaItem>()
            .Where(m => EF.Functions.Like(EF.Property<string>(m, MediaItemSearch), MediaItemRepository.SearchPattern(search), "\\"));
        return (type is { } t ? titles.Where(m => m.Type == t) : titles).CountAsync(Ct);
    });

    [Test]
    public async Task A_search_can_be_answered_from_the_title_index_alone()
    {
        if (Provider != Provider.Postgres) Assert.Ignore("SQLite computes the search text as it reads it (no stored column to index)");
        var db = Get<MediaDbContext>();
        // Titles as TMDB gives them: with an overview (hundreds of bytes), which a search must not read.
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO media_item (id, type, tmdb_id, title, original_title, year, created_at, overview)
            SELECT gen_random_uuid(), 'movie', 20000 + g, initcap(substr(md5(g::text), 1, 6)) || ' ' || initcap(substr(md5(g::text), 7, 8)), NULL,
                   2000, now(), repeat(md5(g::text), 12)
            FROM generate_series(1, 20000) g
            """, Ct);
        await db.Database.ExecuteSqlRawAsync("ANALYZE media_item", Ct);

        var search = db.Set<MediaItem>().Where(m => EF.Functions.Like(EF.Property<string>(m, MediaItemSearch), "%ab%", "\\"));
        // The index holds what a search reads, so that a search can be answered from it alone: whether the planner does
        // so depends on how many pages vacuum has marked all-visible (autovacuum does, for settled titles); the
        // benchmark measures it at 100,000 titles with overviews.
        var index = await db.Database.SqlQueryRaw<string>("SELECT indexdef AS \"Value\" FROM pg_indexes WHERE indexname = 'ix_media_item_title_id'").SingleAsync(Ct);
        Assert.That(index, Does.EndWith("(title, id) INCLUDE (search_text)"));
        await db.Database.OpenConnectionAsync(Ct);
        await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off", Ct);
        Assert.That(await PlanAsync(search.Select(m => 1)), Does.Contain("ix_media_item_title_id"), "the count");
        await db.Database.ExecuteSqlRawAsync("RESET enable_seqscan", Ct);
        Assert.That(await PlanAsync(search.OrderBy(m => m.Title).ThenBy(m => m.Id).Take(50).Select(m => new { m.Id, m.Title, m.Year })),
            Does.Contain("ix_media_item_title_id").And.Not.Contain("Sort"), "the first page, in the index's order");
    }

    private const string MediaItemSearch = Media.Infrastructure.Persistence.Configurations.MediaItemConfiguration.SearchTextProperty;
}
