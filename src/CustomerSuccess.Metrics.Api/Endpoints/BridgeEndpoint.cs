using CustomerSuccess.Metrics.Bridge;
using CustomerSuccess.Metrics.Knowledge;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record BridgeView(
    LocalDate From, LocalDate To, decimal OpeningArr, decimal NewArr, decimal ReactivationArr, decimal ExpansionArr,
    decimal ContractionArr, decimal ChurnArr, decimal? TransferInArr, decimal? TransferOutArr, decimal ClosingArr)
{
    public static BridgeView Present(BridgeEntry e, bool withTransfers) => new(
        e.From, e.To, Presentation.Money(e.OpeningArr), Presentation.Money(e.NewArr), Presentation.Money(e.ReactivationArr),
        Presentation.Money(e.ExpansionArr), Presentation.Money(e.ContractionArr), Presentation.Money(e.ChurnArr),
        withTransfers ? Presentation.Money(e.TransferInArr) : null, withTransfers ? Presentation.Money(e.TransferOutArr) : null,
        Presentation.Money(e.ClosingArr));
}

public sealed record BridgeResponse(
    LocalDate From, LocalDate To, string? Interval, Instant KnownAt, string? Segment, string Currency,
    IReadOnlyList<BridgeView> Entries, BridgeView Summary);

/// <summary>GET /api/v1/metrics/bridge: opening, new, reactivation, expansion, contraction, churn and closing ARR.</summary>
public static class BridgeEndpoint
{
    [WolverineGet("/api/v1/metrics/bridge")]
    public static async Task<IResult> Get(
        HttpRequest request, ArrBridge bridge, RecordingClock recordingClock, ReportingOptions reporting, CancellationToken cancellation)
    {
        var parameters = new ReadParameters(request.Query);
        var (from, to) = parameters.Range();
        var interval = parameters.Interval(null, from, to, ArrSeriesEndpoint.MaxPeriods);
        var requestedKnownAt = parameters.Instant("knownAt");
        var segment = parameters.Segment();
        if (!parameters.IsValid)
        {
            return Problems.Invalid(parameters.Errors);
        }

        var knownAt = await recordingClock.SettleAsync(requestedKnownAt, cancellation);
        var figures = await bridge.QueryAsync(from, to, interval, knownAt, segment, cancellation);
        var withTransfers = segment is not null;
        return Results.Ok(new BridgeResponse(from, to, interval?.ToString().ToLowerInvariant(), knownAt, segment, reporting.Currency,
            figures.Entries.Select(e => BridgeView.Present(e, withTransfers)).ToList(), BridgeView.Present(figures.Summary, withTransfers)));
    }
}
