using Media.Api.Problems;
using Media.Application.Common;
using Media.Application.Policies;
using Media.Domain.Common;
using Media.Domain.Users;

namespace Media.Api.Endpoints;

public sealed record PolicyRequest(Guid? LibraryId, string? Name, List<RuleDto>? Rules, List<RuleDto>? Actions);

public sealed record NameTemplateRequest(string? Name, string? Kind, string? Pattern);

internal static class PolicyEndpoints
{
    public static void MapPolicies(this IEndpointRouteBuilder v1)
    {
        var policies = v1.MapGroup("/policies").WithTags("Policies").RequireAuthorization(Permission.LibrariesManage);
        policies.MapGet("/", async (PolicyHandler h, CancellationToken ct, int? page, int? pageSize, string? sortKey, string? sortDirection) =>
            await Paged(PageRequest.Create(page, pageSize, sortKey, sortDirection, PolicyHandler.SortKeys), p => h.ListAsync(p, ct)));
        policies.MapGet("/{id:guid}", async (Guid id, PolicyHandler h, CancellationToken ct) => (await h.GetAsync(new PolicyId(id), ct)).ToHttpResult()).WithName("GetPolicy");
        policies.MapPost("/", async (PolicyRequest r, PolicyHandler h, CancellationToken ct) =>
            (await h.CreateAsync(new PolicyInput(r.LibraryId, r.Name, r.Rules, r.Actions), ct)).ToHttpResult(p => Results.CreatedAtRoute("GetPolicy", new { id = p.Id }, p)));
        policies.MapPut("/{id:guid}", async (Guid id, PolicyRequest r, PolicyHandler h, CancellationToken ct) =>
            (await h.UpdateAsync(new PolicyId(id), new PolicyInput(r.LibraryId, r.Name, r.Rules, r.Actions), ct)).ToHttpResult());
        policies.MapDelete("/{id:guid}", async (Guid id, PolicyHandler h, CancellationToken ct) => (await h.DeleteAsync(new PolicyId(id), ct)).ToHttpResult());

        var templates = v1.MapGroup("/name-templates").WithTags("Name templates").RequireAuthorization(Permission.LibrariesManage);
        templates.MapGet("/", async (NameTemplateHandler h, CancellationToken ct, int? page, int? pageSize, string? sortKey, string? sortDirection) =>
            await Paged(PageRequest.Create(page, pageSize, sortKey, sortDirection, NameTemplateHandler.SortKeys), p => h.ListAsync(p, ct)));
        templates.MapGet("/preview", (string? kind, string? pattern) => NameTemplateHandler.Preview(kind, pattern).ToHttpResult());
        templates.MapGet("/{id:guid}", async (Guid id, NameTemplateHandler h, CancellationToken ct) => (await h.GetAsync(new NameTemplateId(id), ct)).ToHttpResult()).WithName("GetNameTemplate");
        templates.MapPost("/", async (NameTemplateRequest r, NameTemplateHandler h, CancellationToken ct) =>
            (await h.CreateAsync(new NameTemplateInput(r.Name, r.Kind, r.Pattern), ct)).ToHttpResult(t => Results.CreatedAtRoute("GetNameTemplate", new { id = t.Id }, t)));
        templates.MapPut("/{id:guid}", async (Guid id, NameTemplateRequest r, NameTemplateHandler h, CancellationToken ct) =>
            (await h.UpdateAsync(new NameTemplateId(id), new NameTemplateInput(r.Name, r.Kind, r.Pattern), ct)).ToHttpResult());
        templates.MapDelete("/{id:guid}", async (Guid id, NameTemplateHandler h, CancellationToken ct) => (await h.DeleteAsync(new NameTemplateId(id), ct)).ToHttpResult());
    }

    private static async Task<IResult> Paged<T>(Media.Domain.Common.Result<PageRequest> request, Func<PageRequest, Task<PagedList<T>>> list) =>
        request.IsFailure ? ProblemResults.Problem(request.Error!) : Results.Ok(await list(request.Value));
}
