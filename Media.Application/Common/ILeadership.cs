namespace Media.Application.Common;

/// <summary>Which instance, among those sharing one database, does a role's work (polling the download clients...).</summary>
public interface ILeadership
{
    /// <summary>True while this instance leads <paramref name="role"/>; asking again takes the lead when it is free.</summary>
    Task<bool> IsLeaderAsync(string role, CancellationToken ct);
}
