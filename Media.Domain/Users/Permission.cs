namespace Media.Domain.Users;

/// <summary>A permission a role grants; its code is stable and is what the API checks.</summary>
public sealed class Permission
{
    public const string MediaRead = "media.read";
    public const string LibrariesScan = "libraries.scan";
    public const string UnmatchedResolve = "unmatched.resolve";
    public const string DownloadsManage = "downloads.manage";
    public const string LibrariesManage = "libraries.manage";
    public const string SettingsManage = "settings.manage";
    public const string UsersManage = "users.manage";

    public static readonly IReadOnlyList<string> All =
        [MediaRead, LibrariesScan, UnmatchedResolve, DownloadsManage, LibrariesManage, SettingsManage, UsersManage];

    private Permission() { } // for EF

    public Permission(string code, string description) => (Code, Description) = (code, description);

    public string Code { get; private set; } = "";
    public string Description { get; private set; } = "";
}
