namespace Media.Infrastructure.Persistence;

/// <summary>
/// Which of the nine migration groups (0001 extensions and auth ... 0009 api cache) a configuration belongs to.
/// At run time every group is applied; design-time builds of the schema (MEDIA_SCHEMA_GROUP) stop at a group,
/// which is how each migration holds exactly its group.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class SchemaGroupAttribute(int group) : Attribute
{
    public int Group { get; } = group;
}
