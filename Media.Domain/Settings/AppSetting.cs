namespace Media.Domain.Settings;

/// <summary>One application setting, stored as text; its typing and validation belong to the settings feature.</summary>
public sealed class AppSetting
{
    private AppSetting() { } // for EF

    public string Key { get; private set; } = "";
    public string Value { get; private set; } = "";
    public DateTimeOffset UpdatedAt { get; private set; }

    public static AppSetting Create(string key, string value, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(key)) throw new ArgumentException("A key is required.", nameof(key));
        return new AppSetting { Key = key, Value = value ?? "", UpdatedAt = at };
    }

    public void Change(string value, DateTimeOffset at) => (Value, UpdatedAt) = (value ?? "", at);
}
