using System.Collections.Concurrent;
using Ardalis.Specification;
using Media.Application.Common;
using Media.Application.MediaFiles;
using Media.Application.MediaItems;
using Media.Domain.Common;
using Media.Domain.Libraries;
using Media.Domain.MediaFiles;
using Media.Domain.MediaItems;
using Media.Infrastructure.Persistence;
using Media.Infrastructure.Persistence.Repositories;
using Media.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Media.Tests.Persistence;

/// <summary>
/// A page deeper than <see cref="EfRepository{T,TId}.DeepSkip"/> rows is read in two steps, its rows' keys then the rows
/// (a deferred join): the same rows in the same order as read in one step, in both directions, with the lists' filters.
/// </summary>
[TestFixture(Provider.Postgres)]
[TestFixture(Provider.Sqlite)]
public sealed class DeepPageTests(Provider provider) : DatabaseTest(provider), IDisposable
{
    // Enough rows that the pages about the middle of every list below skip more than DeepSkip from the nearer end.
    private const int Titles = 5_600;
    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly CommandLog _commands = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(_commands);

    [OneTimeSetUp]
    public async Task Fill()
    {
        await InNewScope(async s =>
        {
            var db = s.GetRequiredService<MediaDbContext>();
            var library = Library.Create("Movies", LibraryKind.Movies, StorageLocation.Local("/srv/deep"), At).Value;
            db.Add(library);
            for (var i = 0; i < Titles; i++)
            {
                // Ten or so titles alike: the id decides between them. A seventh are series (no file); of the 4,800 files
                // the odd ones are missing: 2,400 missing, 2,400 present.
                // Half with an original title: a search for it matches 2,800 titles.
                var item = MediaItem.Create(i % 7 == 0 ? MediaType.Series : MediaType.Movie, 10_000 + i, $"Title {i % 550:000}",
                    i % 2 == 0 ? $"Der Titel {i % 550:000}" : null, 1950 + i % 70, At.AddSeconds(i / 3));
                db.Add(item);
                if (item.Type == MediaType.Series)
                {
                    // Seasons and episodes: a page of whole titles reads them too.
                    for (var season = 1; season <= 1 + i % 3; season++)
                        for (var episode = 1; episode <= 2; episode++) item.EnsureSeason(season).EnsureEpisode(episode);
                    continue;
                }
                var file = MediaFile.Create(library, item, null, $"Folder {i % 40}/Title {i:0000}.mkv", FileState.Verified(1000 + i, At), At.AddSeconds(i / 2)).Value;
                if (i % 2 == 1) file.MarkMissing(At);
                db.Add(file);
            }
            await db.SaveChangesAsync(Ct);
        });
    }

    private static IEnumerable<TestCaseData> Lists()
    {
        foreach (var direction in new[] { SortDirection.Asc, SortDirection.Desc })
        {
            yield return new TestCaseData("title", direction, null, null).SetName($"Titles by title {direction}");
            yield return new TestCaseData("year", direction, null, null).SetName($"Titles by year {direction}");
            yield return new TestCaseData("title", direction, "der titel", null).SetName($"Titles searched {direction}");
            yield return new TestCaseData("title", direction, null, MediaType.Movie).SetName($"Movies by title {direction}");
        }
    }

    [TestCaseSource(nameof(Lists))]
    public async Task A_deep_page_of_titles_holds_what_one_step_reads(string sortKey, SortDirection direction, string? search, MediaType? type)
    {
        var total = await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().CountAsync(new MediaItemsPage(type, search, new PageRequest(1, 50)), Ct));
        foreach (var page in DeepPages(total))
        {
            var spec = new MediaItemsPage(type, search, page);
            var deep = await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().PageAsync(spec, page, Ct));
            var one = await InNewScope(async s =>
            {
                var titles = s.GetRequiredService<MediaDbContext>().Set<MediaItem>().AsQueryable();
                if (search is not null)
                    titles = titles.Where(m => EF.Functions.Like(EF.Property<string>(m, Media.Infrastructure.Persistence.Configurations.MediaItemConfiguration.SearchTextProperty), MediaItemRepository.SearchPattern(search), "\\"));
                return await OneStepAsync(titles, spec, spec.Selector!);
            });
            Assert.That(deep.Items, Is.EqualTo(one), $"page {page.Page} of {page.PageSize}");
        }
    }

    [TestCase(null, SortDirection.Asc, "path")]
    [TestCase(null, SortDirection.Desc, "path")]
    [TestCase(true, SortDirection.Asc, "path")]
    [TestCase(false, SortDirection.Desc, "path")]
    [TestCase(null, SortDirection.Desc, "createdAt")]
    public async Task A_deep_page_of_files_holds_what_one_step_reads(bool? exists, SortDirection direction, string sortKey)
    {
        var total = await InNewScope(s => s.GetRequiredService<IMediaFileRepository>().CountAsync(new MediaFilesPage(null, null, exists, new PageRequest(1, 50)), Ct));
        foreach (var page in DeepPages(total, sortKey, direction))
        {
            var spec = new MediaFilesPage(null, null, exists, page);
            var deep = await InNewScope(s => s.GetRequiredService<IMediaFileRepository>().PageAsync(spec, page, Ct));
            var one = await InNewScope(s => OneStepAsync(s.GetRequiredService<MediaDbContext>().Set<MediaFile>(), spec, f => f));
            Assert.That(deep.Items.Select(f => (f.Id, f.Path, f.State.Exists)), Is.EqualTo(one.Select(f => (f.Id, f.Path, f.State.Exists))), $"page {page.Page} of {page.PageSize}");
        }
    }

    [TestCase(SortDirection.Asc)]
    [TestCase(SortDirection.Desc)]
    public async Task A_deep_page_of_whole_titles_holds_their_seasons_and_episodes(SortDirection direction)
    {
        foreach (var page in DeepPages(Titles, "title", direction))
        {
            var spec = new WholeTitles(page);
            var deep = await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().PageAsync(spec, page, Ct));
            var one = await InNewScope(s => OneStepAsync(
                s.GetRequiredService<MediaDbContext>().Set<MediaItem>().Include(m => m.Seasons).ThenInclude(e => e.Episodes).AsSplitQuery(), spec, m => m));
            Assert.That(deep.Items.Select(Shape), Is.EqualTo(one.Select(Shape)), $"page {page.Page} of {page.PageSize}");
            if (page.PageSize >= 50) Assert.That(deep.Items.Sum(m => m.Seasons.Count), Is.GreaterThan(0), "series among them, with their seasons");
        }

        static string Shape(MediaItem m) =>
            $"{m.Id.Value} {m.Title} " + string.Join(",", m.Seasons.OrderBy(s => s.Number).Select(s => $"{s.Number}:{s.Episodes.Count}"));
    }

    /// <summary>Every title, whole (as the repository reads its aggregate: seasons and episodes), by title.</summary>
    private sealed class WholeTitles : Specification<MediaItem>
    {
        public WholeTitles(PageRequest page)
        {
            Query.AsNoTracking().OrderByThenId(m => m.Title, m => m.Id, page.Direction);
            Query.Page(page);
        }
    }

    [Test]
    public async Task A_deep_page_reads_its_keys_first_and_a_shallow_page_does_not()
    {
        var total = await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().CountAsync(new MediaItemsPage(null, null, new PageRequest(1, 50)), Ct));
        var middle = new PageRequest(total / 2 / 50, 50, "title");
        _commands.Clear();
        await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().PageAsync(new MediaItemsPage(null, null, middle), middle, Ct));
        var paged = _commands.Texts.Where(c => c.Contains("OFFSET", StringComparison.Ordinal)).ToList();
        Assert.That(paged, Has.Count.EqualTo(1), "one statement skips rows");
        Assert.That(SelectList(paged[0]), Does.Not.Contain(","), "and reads the keys alone: " + paged[0]);

        var shallow = new PageRequest(3, 50, "title");
        _commands.Clear();
        await InNewScope(s => s.GetRequiredService<IMediaItemRepository>().PageAsync(new MediaItemsPage(null, null, shallow), shallow, Ct));
        paged = [.. _commands.Texts.Where(c => c.Contains("OFFSET", StringComparison.Ordinal))];
        Assert.That(paged, Has.Count.EqualTo(1));
        Assert.That(SelectList(paged[0]), Does.Contain(","), "a shallow page is read in one step");
    }

    public void Dispose() => _commands.Dispose();

    private static string SelectList(string sql) => sql[(sql.IndexOf("SELECT", StringComparison.Ordinal) + 6)..sql.IndexOf("FROM", StringComparison.Ordinal)];

    /// <summary>Pages about the middle (where a page skips the most from the nearer end), of three sizes, both sides.</summary>
    private static IEnumerable<PageRequest> DeepPages(int total, string sortKey = "title", SortDirection direction = SortDirection.Asc)
    {
        Assert.That(total / 2, Is.GreaterThan(EfRepository<MediaItem, MediaItemId>.DeepSkip + 100), "enough rows for deep pages");
        foreach (var size in new[] { 50, 7, 500 })
        {
            if (total / 2 - size < EfRepository<MediaItem, MediaItemId>.DeepSkip) continue;
            var middle = total / 2 / size + 1;
            foreach (var page in new[] { middle - 1, middle, middle + 1 })
                yield return new PageRequest(page, size, sortKey, direction);
        }
    }

    /// <summary>The page read the plain way: its order from the start, skipping every row before it.</summary>
    private static Task<List<TItem>> OneStepAsync<T, TItem>(IQueryable<T> rows, ISpecification<T> spec, System.Linq.Expressions.Expression<Func<T, TItem>> shape) where T : class =>
        SpecificationEvaluator.Apply(rows, spec).Select(shape).ToListAsync(Ct);

    /// <summary>The statements EF runs (its command log), as text.</summary>
    private sealed class CommandLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _texts = new();

        public IReadOnlyList<string> Texts => [.. _texts];

        public void Clear() => _texts.Clear();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName == "Microsoft.EntityFrameworkCore.Database.Command" ? _texts : null);

        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string>? texts) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => texts is not null;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (texts is not null && eventId.Name?.EndsWith("CommandExecuted", StringComparison.Ordinal) == true) texts.Enqueue(formatter(state, exception));
            }
        }
    }
}
