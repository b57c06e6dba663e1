using Mapster;
using Media.Domain.Scans;

namespace Media.Application.Scanning;

/// <summary>A scan as the API shows it (../shared/API.md); <c>path</c> is the folder of a targeted scan.</summary>
public sealed record ScanDto(
    Guid Id, Guid LibraryId, string? Path, ScanStatus Status, int FilesSeen, int FilesIdentified, int FilesUnmatched,
    int FilesMissing, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error);

internal sealed class ScanMapping : IRegister
{
    public void Register(TypeAdapterConfig config) =>
        config.NewConfig<Scan, ScanDto>().MapWith(s => new ScanDto(
            s.Id.Value, s.LibraryId.Value, s.Folder, s.Status, s.FilesSeen, s.FilesIdentified, s.FilesUnmatched,
            s.FilesMissing, s.QueuedAt, s.StartedAt, s.FinishedAt, s.Error));
}
