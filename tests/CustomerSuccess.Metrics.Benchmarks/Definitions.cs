using System.Text.Json.Nodes;
using NodaTime;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>One period of the ARR bridge, unrounded.</summary>
internal sealed record BridgeTotals(
    LocalDate From, LocalDate To, decimal Opening, decimal New, decimal Reactivation, decimal Expansion,
    decimal Contraction, decimal Churn, decimal Closing);

/// <summary>The opening cohort of a period: |C|, Σ o_c, Σ min(e_c, o_c), Σ e_c and |{c : e_c > 0}|.</summary>
internal sealed record CohortTotals(int Customers, decimal OpeningArr, decimal RetainedCappedAtOpening, decimal ClosingArr, int RetainedCustomers);

/// <summary>
/// The figures of metrics.md computed from totals, written here again rather than taken from the engine so
/// that the baselines check the engine instead of repeating it; and the same figures read from the API.
/// </summary>
internal static partial class Definitions
{
    public static IReadOnlyList<(LocalDate From, LocalDate To)> Months(LocalDate from, LocalDate to)
    {
        var periods = new List<(LocalDate, LocalDate)>();
        for (var start = from; start <= to;)
        {
            var end = new LocalDate(start.Year, start.Month, 1).PlusMonths(1).PlusDays(-1);
            periods.Add((start, end < to ? end : to));
            start = end.PlusDays(1);
        }

        return periods;
    }

    public static Figure Arr(decimal arr, int activeCustomers) =>
        new Figure().AddMoney("arr", arr).AddMoney("mrr", arr / 12m).Add("activeCustomers", activeCustomers);

    public static Figure Series(IEnumerable<(LocalDate Date, decimal Arr, int ActiveCustomers)> points)
    {
        var figure = new Figure();
        foreach (var (date, arr, active) in points)
        {
            figure.AddMoney($"{date:yyyy-MM-dd}.arr", arr).Add($"{date:yyyy-MM-dd}.activeCustomers", active);
        }

        return figure;
    }

    public static Figure Bridge(IEnumerable<BridgeTotals> entries, BridgeTotals summary)
    {
        var figure = new Figure();
        foreach (var entry in entries)
        {
            AddBridge(figure, $"{entry.From:yyyy-MM-dd}..{entry.To:yyyy-MM-dd}", entry);
        }

        AddBridge(figure, "summary", summary);
        return figure;
    }

    /// <summary>Retention over a period from its cohort and its bridge, per metrics.md; a zero denominator gives null.</summary>
    public static Figure Retention(CohortTotals cohort, BridgeTotals bridge)
    {
        decimal? Ratio(decimal numerator, decimal denominator) => denominator == 0m ? null : numerator / denominator;
        decimal? logoRetention = cohort.Customers == 0 ? null : (decimal)cohort.RetainedCustomers / cohort.Customers;
        return new Figure()
            .Add("cohortCustomers", cohort.Customers)
            .AddMoney("openingArr", cohort.OpeningArr)
            .AddRate("grossRenewalRate", Ratio(cohort.RetainedCappedAtOpening, cohort.OpeningArr))
            .AddRate("netRenewalRate", Ratio(cohort.ClosingArr, cohort.OpeningArr))
            .AddRate("logoRetention", logoRetention)
            .AddRate("logoChurnRate", 1m - logoRetention)
            .AddRate("expansionRate", Ratio(bridge.Expansion, bridge.Opening))
            .AddRate("contractionRate", Ratio(bridge.Contraction, bridge.Opening))
            .AddRate("revenueChurnRate", Ratio(bridge.Churn, bridge.Opening))
            .AddRate("quickRatio", Ratio(bridge.New + bridge.Reactivation + bridge.Expansion, bridge.Contraction + bridge.Churn));
    }

    public static Figure ArrFromApi(JsonNode body) =>
        new Figure().Add("arr", Value(body, "arr")).Add("mrr", Value(body, "mrr")).Add("activeCustomers", Value(body, "activeCustomers"));

    public static Figure SeriesFromApi(JsonNode body)
    {
        var figure = new Figure();
        foreach (var entry in body["entries"]!.AsArray())
        {
            var date = entry!["date"]!.GetValue<string>();
            figure.Add($"{date}.arr", Value(entry, "arr")).Add($"{date}.activeCustomers", Value(entry, "activeCustomers"));
        }

        return figure;
    }

    public static Figure BridgeFromApi(JsonNode body)
    {
        var figure = new Figure();
        foreach (var entry in body["entries"]!.AsArray())
        {
            AddBridgeFromApi(figure, $"{entry!["from"]!.GetValue<string>()}..{entry["to"]!.GetValue<string>()}", entry);
        }

        AddBridgeFromApi(figure, "summary", body["summary"]!);
        return figure;
    }

    public static Figure RetentionFromApi(JsonNode body)
    {
        var figure = new Figure();
        foreach (var name in (string[])["cohortCustomers", "openingArr", "grossRenewalRate", "netRenewalRate", "logoRetention",
                     "logoChurnRate", "expansionRate", "contractionRate", "revenueChurnRate", "quickRatio"])
        {
            figure.Add(name, Value(body, name));
        }

        return figure;
    }

    private static readonly string[] BridgeFields =
        ["openingArr", "newArr", "reactivationArr", "expansionArr", "contractionArr", "churnArr", "closingArr"];

    private static void AddBridge(Figure figure, string prefix, BridgeTotals entry)
    {
        decimal[] values = [entry.Opening, entry.New, entry.Reactivation, entry.Expansion, entry.Contraction, entry.Churn, entry.Closing];
        for (var i = 0; i < BridgeFields.Length; i++)
        {
            figure.AddMoney($"{prefix}.{BridgeFields[i]}", values[i]);
        }
    }

    private static void AddBridgeFromApi(Figure figure, string prefix, JsonNode entry)
    {
        foreach (var field in BridgeFields)
        {
            figure.Add($"{prefix}.{field}", Value(entry, field));
        }
    }

    private static decimal? Value(JsonNode node, string name) => node[name]?.GetValue<decimal>();
}
