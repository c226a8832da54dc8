using CustomerSuccess.Metrics.Arr;
using CustomerSuccess.Metrics.Bridge;
using CustomerSuccess.Metrics.CostOfRetention;
using CustomerSuccess.Metrics.Retention;
using NodaTime;

namespace CustomerSuccess.Metrics.Periods;

/// <summary>A month's <see cref="PeriodFigures"/> as known at an instant, from the same queries as the published figures.</summary>
public sealed class PeriodReport(ArrBridge bridge, ArrAsOf arr, RetentionRates retention, CostOfRetentionQuery costOfRetention)
{
    public async Task<PeriodFigures> QueryAsync(YearMonth month, Instant knownAt, CancellationToken cancellation)
    {
        var dates = new PeriodDates(month);
        var bridgeTask = bridge.QueryAsync(dates.From, dates.To, null, knownAt, null, cancellation);
        var arrTask = arr.QueryAsync(dates.To, knownAt, null, cancellation);
        var retentionTask = retention.QueryAsync(dates.RetentionFrom, dates.To, knownAt, null, cancellation);
        var costTask = costOfRetention.QueryAsync(dates.From, dates.To, knownAt, null, cancellation);
        var b = (await bridgeTask.ConfigureAwait(false)).Summary;
        var active = (await arrTask.ConfigureAwait(false)).ActiveCustomers;
        var r = await retentionTask.ConfigureAwait(false);
        var c = await costTask.ConfigureAwait(false);
        return new PeriodFigures(
            b.OpeningArr, b.NewArr, b.ReactivationArr, b.ExpansionArr, b.ContractionArr, b.ChurnArr, b.ClosingArr, active,
            r.GrossRenewalRate, r.NetRenewalRate, r.LogoRetention, c.TotalCost, c.CostOfRetention);
    }
}
