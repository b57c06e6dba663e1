namespace Media.Domain.Common;

/// <summary>A strongly typed id over a UUID; lets persistence convert every id the same way.</summary>
public interface IEntityId
{
    Guid Value { get; }
}

public static class EntityIds
{
    /// <summary>Version 7 UUIDs sort by creation time, which keeps database indexes compact.</summary>
    public static Guid NewGuid() => Guid.CreateVersion7();
}
