using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Bridge;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>One period of the bridge; the transfers are null unless a segment is asked for, whose bridge they reconcile.</summary>
public sealed record BridgeView(
    LocalDate From, LocalDate To, [property: Money] decimal OpeningArr, [property: Money] decimal NewArr,
    [property: Money] decimal ReactivationArr, [property: Money] decimal ExpansionArr, [property: Money] decimal ContractionArr,
    [property: Money] decimal ChurnArr,
    [property: Money] decimal? TransferInArr,
    [property: Money] decimal? TransferOutArr,
    [property: Money] decimal ClosingArr)
{
    public static BridgeView Of(BridgeEntry e, bool withTransfers) => new(
        e.From, e.To, e.OpeningArr, e.NewArr, e.ReactivationArr, e.ExpansionArr, e.ContractionArr, e.ChurnArr,
        withTransfers ? e.TransferInArr : null, withTransfers ? e.TransferOutArr : null, e.ClosingArr);
}

public sealed record BridgeResponse(
    LocalDate From, LocalDate To, string? Interval, Instant KnownAt, string? Segment, string Currency,
    IReadOnlyList<BridgeView> Entries, BridgeView Summary);

/// <summary>GET /api/v1/metrics/bridge: opening, new, reactivation, expansion, contraction, churn and closing ARR.</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class BridgeEndpoint
{
    [WolverineGet("/api/v1/metrics/bridge")]
    [Tags("Figures")]
    [EndpointSummary("The ARR bridge: opening, new, reactivation, expansion, contraction, churn and closing ARR")]
    [AcceptsQuery(QueryParameter.From, QueryParameter.To, QueryParameter.Interval, QueryParameter.KnownAt, QueryParameter.Segment)]
    public static async Task<BridgeResponse> Get(FigureRequest request, ArrBridge bridge, ReportingOptions reporting, CancellationToken cancellation)
    {
        var figures = await bridge.QueryAsync(request.From, request.To, request.Interval, request.KnownAt, request.Segment, cancellation);
        var withTransfers = request.Segment is not null;
        return new BridgeResponse(request.From, request.To, request.Interval?.ToString().ToLowerInvariant(), request.KnownAt, request.Segment,
            reporting.Currency, [.. figures.Entries.Select(e => BridgeView.Of(e, withTransfers))], BridgeView.Of(figures.Summary, withTransfers));
    }
}
