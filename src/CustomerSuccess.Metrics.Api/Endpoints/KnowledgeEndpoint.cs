using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Knowledge;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record RecordedInstantView(Instant RecordedAt, int Events, int Customers);

public sealed record KnowledgeResponse(Instant? From, Instant To, int Total, int Offset, int Limit, IReadOnlyList<RecordedInstantView> Instants);

/// <summary>GET /api/v1/knowledge: the instants at which events were recorded, the knownAt values at which answers can change.</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class KnowledgeEndpoint
{
    [WolverineGet("/api/v1/knowledge")]
    [Tags("Audit")]
    [EndpointSummary("The instants at which events were recorded, with how many events and customers each")]
    [AcceptsQuery(QueryParameter.RecordedFrom, QueryParameter.RecordedTo, QueryParameter.Limit, QueryParameter.Offset)]
    public static async Task<KnowledgeResponse> Get(FigureRequest request, RecordedInstants instants, CancellationToken cancellation)
    {
        var page = await instants.QueryAsync(request.RecordedFrom, request.RecordedTo, request.Offset, request.Limit, cancellation);
        return new KnowledgeResponse(request.RecordedFrom, request.RecordedTo, page.Total, request.Offset, request.Limit,
            [.. page.Instants.Select(i => new RecordedInstantView(i.RecordedAt, i.Events, i.Customers))]);
    }
}
