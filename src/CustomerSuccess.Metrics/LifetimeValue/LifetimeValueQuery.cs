using CustomerSuccess.Metrics.Arr;
using CustomerSuccess.Metrics.Bridge;
using NodaTime;

namespace CustomerSuccess.Metrics.LifetimeValue;

/// <summary>
/// Customer lifetime value of one segment (or the whole book) as of a date, with its inputs: ARPA, the ARR per active
/// customer at the end of the date, over the annual revenue churn rate, the ARR churned in the twelve months that end
/// on the date over the ARR at their start. Null, with a note, where an input is missing or the churn rate is zero.
/// </summary>
public sealed record LifetimeValueFigures(
    string? Segment,
    decimal Arr,
    int ActiveCustomers,
    decimal? Arpa,
    decimal OpeningArr,
    decimal ChurnArr,
    decimal? RevenueChurnRate,
    decimal? LifetimeValue,
    IReadOnlyList<string> Notes)
{
    public static LifetimeValueFigures Of(string? segment, ArrFigure arr, BridgeEntry year)
    {
        var notes = new List<string>();
        decimal? arpa = arr.ActiveCustomers == 0 ? null : arr.Arr / arr.ActiveCustomers;
        decimal? churnRate = year.OpeningArr == 0m ? null : year.ChurnArr / year.OpeningArr;
        if (arpa is null)
        {
            notes.Add("No customer is active at the end of the date, so ARPA and lifetime value are null.");
        }

        if (churnRate is null)
        {
            notes.Add("ARR was 0 at the start of the twelve months, so the revenue churn rate and lifetime value are null.");
        }
        else if (churnRate == 0m)
        {
            notes.Add("No ARR churned in the twelve months, so the lifetime value is unbounded and given as null.");
        }

        decimal? value = arpa is { } a && churnRate is { } r && r > 0m ? a / r : null;
        return new LifetimeValueFigures(segment, arr.Arr, arr.ActiveCustomers, arpa, year.OpeningArr, year.ChurnArr, churnRate, value, notes);
    }
}

public sealed class LifetimeValueQuery(ArrAsOf arr, ArrBridge bridge)
{
    public async Task<LifetimeValueFigures> QueryAsync(LocalDate asOf, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var arrTask = arr.QueryAsync(asOf, knownAt, segment, cancellation);
        var year = await bridge.QueryAsync(asOf.PlusYears(-1).PlusDays(1), asOf, null, knownAt, segment, cancellation).ConfigureAwait(false);
        return LifetimeValueFigures.Of(segment, await arrTask.ConfigureAwait(false), year.Summary);
    }
}
