using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Media.Domain.Common;
using Media.Domain.Settings;

namespace Media.Application.Settings;

/// <summary>The settings store: a key-value table.</summary>
public interface ISettingsStore
{
    Task<IReadOnlyList<AppSetting>> ListAsync(CancellationToken ct);
    Task SaveAsync(string key, string value, DateTimeOffset at, CancellationToken ct);
}

public enum SettingType { String, Integer, Boolean, Choice }

/// <summary>One setting the application knows: its type, default, limits, and whether it is a secret (write-only).</summary>
public sealed record SettingDefinition(
    string Key, SettingType Type, string Description, string? Default, bool Secret = false,
    IReadOnlyList<string>? Choices = null, int Min = int.MinValue, int Max = int.MaxValue, string? Pattern = null, string? PatternHint = null);

public static class SettingsCatalog
{
    public static readonly IReadOnlyList<SettingDefinition> All =
    [
        new("import.defaultMethod", SettingType.Choice, "How finished downloads are brought into a library when the policy does not say.", "hardlink", Choices: ["hardlink", "copy"]),
        new("import.recycleFolder", SettingType.String, "Library-relative folder where replaced files go on an upgrade (never a silent delete).", ".recycle"),
        new("scan.intervalMinutes", SettingType.Integer, "Minutes between scheduled scans of every library; 0 turns the schedule off.", "0", Min: 0, Max: 10_080),
        new("tmdb.language", SettingType.String, "Language of titles asked from TMDB (ISO 639-1 and a region); set here, it wins over Tmdb__Language.", "en-US", Pattern: "^[a-z]{2}-[A-Z]{2}$", PatternHint: "like en-US"),
        new("tmdb.apiKey", SettingType.String, "TMDB v3 API key, used when Tmdb__ApiKey is not configured.", null, Secret: true, Pattern: "^[A-Za-z0-9]{16,128}$", PatternHint: "16 to 128 letters and digits"),
    ];

    public static SettingDefinition? Find(string key) => All.FirstOrDefault(d => string.Equals(d.Key, key, StringComparison.Ordinal));
}

/// <summary>A setting as the API shows it; a secret shows only whether it is set.</summary>
public sealed record SettingDto(
    string Key, SettingType Type, object? Value, bool IsSet, string? Default, bool Secret, string Description, IReadOnlyList<string>? Choices);

/// <summary>
/// The settings that take effect while the service runs (adapters read them from here). Loaded at start-up and
/// updated when this instance changes a setting; another instance sees a change after its restart.
/// </summary>
public sealed class RuntimeSettings
{
    private volatile IReadOnlyDictionary<string, string> _values = new Dictionary<string, string>(StringComparer.Ordinal);

    public string? this[string key] => _values.TryGetValue(key, out var v) ? v : SettingsCatalog.Find(key)?.Default;

    public void Load(IEnumerable<AppSetting> settings) =>
        _values = settings.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);

    public void Set(string key, string value) =>
        _values = new Dictionary<string, string>(_values, StringComparer.Ordinal) { [key] = value };
}

public sealed class SettingsHandler(ISettingsStore store, RuntimeSettings runtime, TimeProvider clock)
{
    public async Task LoadAsync(CancellationToken ct) => runtime.Load(await store.ListAsync(ct));

    public async Task<IReadOnlyList<SettingDto>> ListAsync(CancellationToken ct)
    {
        var stored = (await store.ListAsync(ct)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        return SettingsCatalog.All.Select(d => ToDto(d, stored.TryGetValue(d.Key, out var v) ? v : null)).ToList();
    }

    public async Task<Result<SettingDto>> PutAsync(string key, JsonElement? value, CancellationToken ct)
    {
        if (SettingsCatalog.Find(key) is not { } definition)
            return Error.Validation("key", $"Unknown setting '{key}'; known: {string.Join(", ", SettingsCatalog.All.Select(d => d.Key))}.");
        var text = Validate(definition, value);
        if (text.IsFailure) return text.Error!;
        await store.SaveAsync(key, text.Value, clock.GetUtcNow(), ct);
        runtime.Set(key, text.Value);
        return ToDto(definition, text.Value);
    }

    private static Result<string> Validate(SettingDefinition d, JsonElement? value)
    {
        Error Invalid(string why) => Error.Validation("value", $"Invalid value for {d.Key}: {why}");
        if (value is not { } v || v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return Invalid("a value is required.");
        if (v.ValueKind == JsonValueKind.String && Text(v) is { IsFailure: true } unreadable) return Invalid(unreadable.Error!.Message);
        switch (d.Type)
        {
            case SettingType.Integer:
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var number)) return Invalid("a whole number is expected.");
                if (number < d.Min || number > d.Max) return Invalid($"between {d.Min} and {d.Max}.");
                return number.ToString(CultureInfo.InvariantCulture);
            case SettingType.Boolean:
                return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? (v.GetBoolean() ? "true" : "false") : Invalid("true or false is expected.");
            case SettingType.Choice:
                if (v.ValueKind != JsonValueKind.String || !d.Choices!.Contains(v.GetString()!)) return Invalid($"one of {string.Join(", ", d.Choices!)}.");
                return v.GetString()!;
            default:
                if (v.ValueKind != JsonValueKind.String) return Invalid("text is expected.");
                var s = v.GetString()!.Trim();
                if (s.Length is 0 or > 500) return Invalid("1 to 500 characters.");
                if (d.Pattern is not null && !Regex.IsMatch(s, d.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))) return Invalid(d.PatternHint ?? "not in the expected form.");
                if (d.Key == "import.recycleFolder" && RelativePath.Normalize(s) is { IsFailure: true } bad) return Invalid(bad.Error!.Message);
                return s;
        }
    }

    /// <summary>A string value as text: refused when its bytes are not valid UTF-8 or it holds control characters.</summary>
    private static Result<string> Text(JsonElement value)
    {
        string text;
        try { text = value.GetString()!; }
        catch (InvalidOperationException) { return Error.Validation("value", "The text is not valid UTF-8."); }
        return CleanText.Problem(text) is { } problem ? Error.Validation("value", problem) : text;
    }

    private static SettingDto ToDto(SettingDefinition d, string? stored)
    {
        var raw = stored ?? d.Default;
        object? value = d.Secret ? null : raw is null ? null : d.Type switch
        {
            SettingType.Integer => int.Parse(raw, CultureInfo.InvariantCulture),
            SettingType.Boolean => raw == "true",
            _ => raw,
        };
        return new SettingDto(d.Key, d.Type, value, stored is not null, d.Secret ? null : d.Default, d.Secret, d.Description, d.Choices);
    }
}
