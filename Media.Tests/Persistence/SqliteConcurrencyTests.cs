using Media.Application.Common;
using Media.Application.Libraries;
using Media.Domain.Libraries;
using Media.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Media.Tests.Persistence;

/// <summary>A scan writes while the API reads: on SQLite neither may fail with "database is locked".</summary>
public sealed class SqliteConcurrencyTests() : DatabaseTest(Provider.Sqlite)
{
    [Test]
    public async Task ConcurrentWritersAndReaders_NeverFail()
    {
        var at = DateTimeOffset.UtcNow;
        var writers = Enumerable.Range(0, 4).Select(w => InNewScope(async s =>
        {
            var libraries = s.GetRequiredService<ILibraryRepository>();
            for (var i = 0; i < 40; i++)
            {
                var library = Library.Create($"w{w}-{i}", LibraryKind.Movies, StorageLocation.Local($"/lock/{w}/{i}"), at).Value;
                var added = await libraries.AddAsync(library, Ct);
                Assert.That(added.IsSuccess, added.Error?.Message);
            }
        }));
        var readers = Enumerable.Range(0, 4).Select(_ => InNewScope(async s =>
        {
            var handler = new ListLibrariesHandler(s.GetRequiredService<ILibraryRepository>());
            for (var i = 0; i < 40; i++) await handler.Handle(new ListLibraries(new PageRequest(1, 50)), Ct);
        }));
        await Task.WhenAll(writers.Concat(readers));

        var total = await InNewScope(s => new ListLibrariesHandler(s.GetRequiredService<ILibraryRepository>())
            .Handle(new ListLibraries(new PageRequest(1, 1)), Ct));
        Assert.That(total.TotalCount, Is.EqualTo(160));
    }
}
