using CustomerSuccess.Metrics.Audit;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Movements;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record AuditMovementsResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string? Kind, int Total, int Offset, int Limit,
    IReadOnlyList<AuditedMovement> Movements);

/// <summary>GET /api/v1/audit/movements: every movement behind the bridge, with the eventIds that caused it.</summary>
public static class AuditMovementsEndpoint
{
    private static readonly IReadOnlyList<string> Kinds =
        [.. MovementKinds.Bridge, MovementKinds.TransferIn, MovementKinds.TransferOut];

    [WolverineGet("/api/v1/audit/movements")]
    public static async Task<IResult> Get(
        HttpRequest request, MovementAudit audit, RecordingClock recordingClock, CancellationToken cancellation)
    {
        var parameters = new ReadParameters(request.Query);
        var (from, to) = parameters.Range();
        var kind = parameters.OneOf("kind", Kinds);
        var limit = parameters.Integer("limit", 1000, 1, 10_000);
        var offset = parameters.Integer("offset", 0, 0, int.MaxValue);
        var requestedKnownAt = parameters.Instant("knownAt");
        var segment = parameters.Segment();
        if (!parameters.IsValid)
        {
            return Problems.Invalid(parameters.Errors);
        }

        var knownAt = await recordingClock.SettleAsync(requestedKnownAt, cancellation);
        var page = await audit.QueryAsync(from, to, kind, knownAt, segment, offset, limit, cancellation);
        return Results.Ok(new AuditMovementsResponse(from, to, knownAt, segment, kind, page.Total, offset, limit,
            page.Movements.Select(m => m with { Amount = Presentation.Money(m.Amount) }).ToList()));
    }
}
