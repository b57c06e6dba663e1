using Mapster;
using Media.Domain.Scans;

namespace Media.Application.Scanning;

/// <summary>
/// A scan as the API shows it (../shared/API.md); <c>path</c> is the folder of a targeted scan. Beyond the contract:
/// every file walked, the files that could not be recorded, what was skipped by reason, the problems met (all counted,
/// the first 100 listed), the folder being walked, the last heartbeat and the instance that ran it (<c>runBy</c>, host:pid).
/// </summary>
public sealed record ScanDto(
    Guid Id, Guid LibraryId, string? Path, ScanStatus Status, int FilesSeen, int FilesIdentified, int FilesUnmatched,
    int FilesMissing, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error,
    int FilesWalked, int FilesFailed, ScanSkipsDto Skipped, int ProblemCount, IReadOnlyList<ScanProblemDto> Problems,
    string? CurrentFolder, DateTimeOffset HeartbeatAt, string? RunBy);

public sealed record ScanSkipsDto(
    int SystemFolders, int ExtrasFolders, int UnreadableFolders, int NotVideo, int Samples, int Extras, int Partial);

public sealed record ScanProblemDto(string Path, string Kind, string Message);

internal sealed class ScanMapping : IRegister
{
    public void Register(TypeAdapterConfig config) =>
        config.NewConfig<Scan, ScanDto>().MapWith(s => new ScanDto(
            s.Id.Value, s.LibraryId.Value, s.Folder, s.Status, s.FilesSeen, s.FilesIdentified, s.FilesUnmatched,
            s.FilesMissing, s.QueuedAt, s.StartedAt, s.FinishedAt, s.Error,
            s.FilesWalked, s.FilesFailed,
            new ScanSkipsDto(s.Skipped.SystemFolders, s.Skipped.ExtrasFolders, s.Skipped.UnreadableFolders, s.Skipped.NotVideo,
                s.Skipped.Samples, s.Skipped.Extras, s.Skipped.Partial),
            s.ProblemCount, s.Problems.Select(p => new ScanProblemDto(p.Path, p.Kind, p.Message)).ToList(),
            s.CurrentFolder, s.HeartbeatAt, s.RunBy));
}
