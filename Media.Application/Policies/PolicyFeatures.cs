using Ardalis.Specification;
using Media.Application.Common;
using Media.Domain.Common;
using Media.Domain.Naming;
using Media.Domain.Policies;

namespace Media.Application.Policies;

public interface IPolicyRepository : IRepository<Policy, PolicyId>;

public interface INameTemplateRepository : IRepository<NameTemplate, NameTemplateId>;

public sealed record RuleDto(string Kind, string Value);

public sealed record PolicyDto(Guid Id, Guid LibraryId, string Name, IReadOnlyList<RuleDto> Rules, IReadOnlyList<RuleDto> Actions, DateTimeOffset CreatedAt);

public sealed record PolicyInput(Guid? LibraryId, string? Name, IReadOnlyList<RuleDto>? Rules, IReadOnlyList<RuleDto>? Actions);

public sealed record NameTemplateDto(Guid Id, string Name, TemplateKind Kind, string Pattern, DateTimeOffset CreatedAt);

public sealed record TemplatePreviewDto(string Path, string Sample);

public sealed record NameTemplateInput(string? Name, string? Kind, string? Pattern);

public sealed class PoliciesOf : Specification<Policy>
{
    public PoliciesOf(LibraryId library) => Query.Where(p => p.LibraryId == library).OrderBy(p => p.CreatedAt);
}

public sealed class AllPolicies : Specification<Policy>
{
    public AllPolicies(PageRequest page)
    {
        Query.AsNoTracking();
        Query.OrderByThenId(p => p.Name, p => p.Id, page.Direction);
        Query.Page(page);
    }
}

public sealed class AllTemplates : Specification<NameTemplate>
{
    public AllTemplates(PageRequest page)
    {
        Query.AsNoTracking();
        Query.OrderByThenId(t => t.Name, t => t.Id, page.Direction);
        Query.Page(page);
    }
}

public sealed class PolicyHandler(IPolicyRepository policies, Libraries.ILibraryRepository libraries, INameTemplateRepository templates, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> SortKeys = ["name"];

    public async Task<PagedList<PolicyDto>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var spec = new AllPolicies(page);
        return new PagedList<PolicyDto>((await policies.ListAsync(spec, ct)).Select(ToDto).ToList(), page.Page, page.PageSize, await policies.CountAsync(spec, ct));
    }

    public async Task<Result<PolicyDto>> GetAsync(PolicyId id, CancellationToken ct) =>
        await policies.FindAsync(id, ct) is { } p ? ToDto(p) : PolicyErrors.NotFound(id);

    public async Task<Result<PolicyDto>> CreateAsync(PolicyInput input, CancellationToken ct)
    {
        var valid = await ValidateAsync(input, ct);
        if (valid.IsFailure) return valid.Error!;
        var (name, rules, actions) = valid.Value;
        var policy = Policy.Create(new LibraryId(input.LibraryId!.Value), name, rules, actions, clock.GetUtcNow());
        var added = await policies.AddAsync(policy, ct);
        return added.IsSuccess ? ToDto(policy) : added.Error!;
    }

    public async Task<Result<PolicyDto>> UpdateAsync(PolicyId id, PolicyInput input, CancellationToken ct)
    {
        if (await policies.FindAsync(id, ct) is not { } policy) return PolicyErrors.NotFound(id);
        var valid = await ValidateAsync(input with { LibraryId = policy.LibraryId.Value }, ct);
        if (valid.IsFailure) return valid.Error!;
        policy.Change(valid.Value.Name, valid.Value.Rules, valid.Value.Actions);
        var saved = await policies.SaveAsync(ct);
        return saved.IsSuccess ? ToDto(policy) : saved.Error!;
    }

    public async Task<Result> DeleteAsync(PolicyId id, CancellationToken ct) =>
        await policies.FindAsync(id, ct) is { } p ? await policies.RemoveAsync(p, ct) : PolicyErrors.NotFound(id);

    private async Task<Result<(string Name, List<Rule> Rules, List<PolicyAction> Actions)>> ValidateAsync(PolicyInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > 200) errors["name"] = ["A name of 1 to 200 characters is required."];
        if (input.LibraryId is null || await libraries.FindAsync(new LibraryId(input.LibraryId.Value), ct) is null) errors["libraryId"] = ["An existing library is required."];
        var rules = new List<Rule>();
        foreach (var (r, i) in (input.Rules ?? []).Select((r, i) => (r, i)))
        {
            if (!Enum.TryParse<RuleKind>(r.Kind?.Replace("_", "", StringComparison.Ordinal), true, out var kind) || r.Kind!.Any(char.IsDigit)) { errors[$"rules[{i}].kind"] = ["resolution, min_size, max_size, required_word, forbidden_word, video_codec, forbidden_video_codec, hdr, audio_language or forbidden_audio_language."]; continue; }
            var rule = new Rule(kind, r.Value?.Trim() ?? "");
            if (PolicyRules.Check(rule) is { } why) errors[$"rules[{i}].value"] = [why];
            rules.Add(rule);
        }
        var actions = new List<PolicyAction>();
        foreach (var (a, i) in (input.Actions ?? []).Select((a, i) => (a, i)))
        {
            if (!Enum.TryParse<ActionKind>(a.Kind?.Replace("_", "", StringComparison.Ordinal), true, out var kind) || a.Kind!.Any(char.IsDigit)) { errors[$"actions[{i}].kind"] = ["import_method, name_template or remove_torrent."]; continue; }
            var action = new PolicyAction(kind, a.Value?.Trim() ?? "");
            if (PolicyRules.Check(action) is { } why) errors[$"actions[{i}].value"] = [why];
            else if (kind == ActionKind.NameTemplate && await templates.FindAsync(new NameTemplateId(Guid.Parse(action.Value)), ct) is null)
                errors[$"actions[{i}].value"] = ["No name template has this id."];
            actions.Add(action);
        }
        if (errors.Count > 0) return Error.Validation("validation", "The policy is invalid.", errors);
        return (input.Name!.Trim(), rules, actions);
    }

    private static string Snake(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static PolicyDto ToDto(Policy p) => new(p.Id.Value, p.LibraryId.Value, p.Name,
        p.Rules.Select(r => new RuleDto(Snake(r.Kind.ToString()), r.Value)).ToList(), p.Actions.Select(a => new RuleDto(Snake(a.Kind.ToString()), a.Value)).ToList(), p.CreatedAt);
}

public sealed class NameTemplateHandler(INameTemplateRepository templates, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> SortKeys = ["name"];

    public async Task<PagedList<NameTemplateDto>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var spec = new AllTemplates(page);
        return new PagedList<NameTemplateDto>((await templates.ListAsync(spec, ct)).Select(ToDto).ToList(), page.Page, page.PageSize, await templates.CountAsync(spec, ct));
    }

    public async Task<Result<NameTemplateDto>> GetAsync(NameTemplateId id, CancellationToken ct) =>
        await templates.FindAsync(id, ct) is { } t ? ToDto(t) : NameTemplateErrors.NotFound(id);

    public async Task<Result<NameTemplateDto>> CreateAsync(NameTemplateInput input, CancellationToken ct)
    {
        var valid = Validate(input);
        if (valid.IsFailure) return valid.Error!;
        var template = NameTemplate.Create(valid.Value.Name, valid.Value.Kind, input.Pattern!, clock.GetUtcNow());
        var added = await templates.AddAsync(template, ct);
        return added.IsSuccess ? ToDto(template) : added.Error!;
    }

    public async Task<Result<NameTemplateDto>> UpdateAsync(NameTemplateId id, NameTemplateInput input, CancellationToken ct)
    {
        if (await templates.FindAsync(id, ct) is not { } template) return NameTemplateErrors.NotFound(id);
        var valid = Validate(input);
        if (valid.IsFailure) return valid.Error!;
        template.Change(valid.Value.Name, valid.Value.Kind, input.Pattern!);
        var saved = await templates.SaveAsync(ct);
        return saved.IsSuccess ? ToDto(template) : saved.Error!;
    }

    public async Task<Result> DeleteAsync(NameTemplateId id, CancellationToken ct) =>
        await templates.FindAsync(id, ct) is { } t ? await templates.RemoveAsync(t, ct) : NameTemplateErrors.NotFound(id);

    private static Result<(string Name, TemplateKind Kind)> Validate(NameTemplateInput input)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > 200) errors["name"] = ["A name of 1 to 200 characters is required."];
        TemplateKind kind = default;
        if (!string.Equals(input.Kind, "movie", StringComparison.OrdinalIgnoreCase) && !string.Equals(input.Kind, "episode", StringComparison.OrdinalIgnoreCase)) errors["kind"] = ["movie or episode."];
        else kind = Enum.Parse<TemplateKind>(input.Kind!, true);
        if (errors.Count == 0 && TemplateRenderer.Validate(input.Pattern, kind) is { IsFailure: true } bad) errors["pattern"] = [bad.Error!.Message];
        if (errors.Count > 0) return Error.Validation("validation", "The name template is invalid.", errors);
        return (input.Name!.Trim(), kind);
    }

    /// <summary>The path a sample title would get under a pattern: the live preview of the template editor.</summary>
    public static Result<TemplatePreviewDto> Preview(string? kind, string? pattern)
    {
        if (!string.Equals(kind, "movie", StringComparison.OrdinalIgnoreCase) && !string.Equals(kind, "episode", StringComparison.OrdinalIgnoreCase))
            return Error.Validation("kind", "movie or episode.");
        var templateKind = Enum.Parse<TemplateKind>(kind!, true);
        var (sample, values) = templateKind == TemplateKind.Movie
            ? ("The Matrix (1999), 1080p", new NamingValues("The Matrix", 1999, 603, Resolution: "1080p"))
            : ("Breaking Bad (2008) S01E01 \"Pilot\", 1080p",
                new NamingValues("Breaking Bad", 2008, 1396, Resolution: "1080p", Season: 1, Episodes: [1], EpisodeTitle: "Pilot"));
        var rendered = TemplateRenderer.Render(pattern ?? "", templateKind, values);
        return rendered.IsSuccess ? new TemplatePreviewDto(rendered.Value + ".mkv", sample) : Error.Validation("pattern", rendered.Error!.Message);
    }

    private static NameTemplateDto ToDto(NameTemplate t) => new(t.Id.Value, t.Name, t.Kind, t.Pattern, t.CreatedAt);
}
