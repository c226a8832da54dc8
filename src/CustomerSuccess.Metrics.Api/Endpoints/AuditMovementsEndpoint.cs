using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Audit;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record AuditedMovementView(
    string CustomerId, LocalDate Date, string Kind, string? Segment, [property: Money] decimal Amount, IReadOnlyList<string> EventIds,
    Instant RecordedAt);

public sealed record AuditMovementsResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string? Kind, string? CustomerId, int Total, int Offset, int Limit,
    IReadOnlyList<AuditedMovementView> Movements);

/// <summary>GET /api/v1/audit/movements: every movement behind the bridge, with the eventIds that caused it.</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class AuditMovementsEndpoint
{
    [WolverineGet("/api/v1/audit/movements")]
    [Tags("Audit")]
    [EndpointSummary("Every movement behind the bridge, with the events that caused it")]
    [AcceptsQuery(QueryParameter.From, QueryParameter.To, QueryParameter.Kind, QueryParameter.Limit, QueryParameter.Offset,
        QueryParameter.KnownAt, QueryParameter.Segment, QueryParameter.CustomerId)]
    public static async Task<AuditMovementsResponse> Get(FigureRequest request, MovementAudit audit, CancellationToken cancellation)
    {
        var page = await audit.QueryAsync(
            request.From, request.To, request.Kind, request.KnownAt, request.Segment, request.CustomerId, request.Offset, request.Limit, cancellation);
        return new AuditMovementsResponse(request.From, request.To, request.KnownAt, request.Segment, request.Kind, request.CustomerId, page.Total,
            request.Offset, request.Limit, [.. page.Movements.Select(m => new AuditedMovementView(m.CustomerId, m.Date, m.Kind, m.Segment, m.Amount, m.EventIds, m.RecordedAt))]);
    }
}
