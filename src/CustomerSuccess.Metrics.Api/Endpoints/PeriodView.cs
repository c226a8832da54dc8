using CustomerSuccess.Metrics.Periods;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>A month's figures as presented: money to 2 places, rates to 6.</summary>
public sealed record PeriodFiguresView(
    [property: Money] decimal OpeningArr, [property: Money] decimal NewArr, [property: Money] decimal ReactivationArr,
    [property: Money] decimal ExpansionArr, [property: Money] decimal ContractionArr, [property: Money] decimal ChurnArr,
    [property: Money] decimal ClosingArr, int ActiveCustomers, [property: Rate] decimal? GrossRenewalRate, [property: Rate] decimal? NetRenewalRate,
    [property: Rate] decimal? LogoRetention, [property: Money] decimal RetentionCost, [property: Money] decimal? CostOfRetention)
{
    public static PeriodFiguresView Of(PeriodFigures f) => new(
        f.OpeningArr, f.NewArr, f.ReactivationArr, f.ExpansionArr, f.ContractionArr, f.ChurnArr, f.ClosingArr, f.ActiveCustomers,
        f.GrossRenewalRate, f.NetRenewalRate, f.LogoRetention, f.RetentionCost, f.CostOfRetention);
}

/// <summary>A figure that differs, each side rounded as the figure is, and the events that made it differ.</summary>
public sealed record PeriodDifference(string Figure, decimal? Reported, decimal? Current, IReadOnlyList<string> EventIds)
{
    public static PeriodDifference Of(FigureChange change) =>
        new(change.Figure.Name, Present(change.Figure.Unit, change.Before), Present(change.Figure.Unit, change.After), change.EventIds);

    private static decimal? Present(FigureUnit unit, decimal? value) => value is not { } v
        ? null
        : unit switch
        {
            FigureUnit.Money => Presentation.Money(v),
            FigureUnit.Rate => Presentation.Rate(v),
            _ => v,
        };
}

public sealed record PeriodHistoryEntry(string EventId, string Action, Instant RecordedAt, string By, Instant? KnownAt);

/// <summary>
/// A month as reported at its latest close and as known at <see cref="CurrentKnownAt"/>, with every figure that differs
/// and the events recorded after the close that made it differ.
/// </summary>
public sealed record PeriodResponse(
    string Period, LocalDate From, LocalDate To, LocalDate RetentionFrom, string Currency, string Status, Instant? ClosedAt, string? ClosedBy,
    Instant? KnownAt, Instant CurrentKnownAt, PeriodFiguresView? Reported, PeriodFiguresView Current, IReadOnlyList<PeriodDifference> Differences,
    IReadOnlyList<PeriodHistoryEntry> History)
{
    public static async Task<PeriodResponse> BuildAsync(
        PeriodState state, Instant knownAt, PeriodReport report, Restatements restatements, ReportingOptions reporting, CancellationToken cancellation)
    {
        var dates = new PeriodDates(state.Month);
        var current = await report.QueryAsync(state.Month, knownAt, cancellation);
        var close = state.LastClose;
        var changes = close is null
            ? []
            : await restatements.CompareAsync(state.Month, close.KnownAt!.Value, close.Reported!, knownAt, current, cancellation);
        return new PeriodResponse(
            YearMonthPattern.Iso.Format(state.Month), dates.From, dates.To, dates.RetentionFrom, reporting.Currency, state.Status, close?.RecordedAt,
            close?.By, close?.KnownAt, knownAt, close?.Reported is { } reported ? PeriodFiguresView.Of(reported) : null, PeriodFiguresView.Of(current),
            [.. changes.Select(PeriodDifference.Of)],
            [.. state.History.Select(a => new PeriodHistoryEntry(a.EventId, a.Action, a.RecordedAt, a.By, a.KnownAt))]);
    }
}
