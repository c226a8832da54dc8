using CustomerSuccess.Metrics.BillingSimulator;
using CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.Tests;

public class ArrChangeLinesTests
{
    private static readonly DateTimeOffset Recorded = new(2026, 1, 5, 9, 30, 0, TimeSpan.Zero);

    private static CustomerArrChanged Change(string kind, decimal before, decimal after, params string[] eventIds) =>
        new("acme", "smb", new DateOnly(2025, 3, 1), kind, before, after, eventIds, Recorded);

    [Fact]
    public void a_change_names_its_day_customer_kind_arr_before_and_after_events_and_instant()
    {
        Assert.Equal(
            "2025-03-01 acme expansion 12,000 -> 14,500 (e-42) recorded 2026-01-05T09:30:00Z",
            ArrChangeLines.Changed(Change("expansion", 12_000m, 14_500m, "e-42")));
        Assert.Equal(
            "2025-03-01 acme new 0 -> 1,199.88 (e-1, e-2) recorded 2026-01-05T09:30:00.123Z",
            ArrChangeLines.Changed(Change("new", 0m, 1_199.88m, "e-1", "e-2") with { RecordedAt = Recorded.AddMilliseconds(123) }));
    }

    [Fact]
    public void a_restatement_names_what_it_replaces_and_what_replaces_it_with_none_for_no_movement()
    {
        var contraction = Change("contraction", 10_000m, 9_500m, "e-7");
        var expansion = Change("expansion", 9_500m, 11_500.5m, "e-8");
        var restatedOn = new DateOnly(2025, 3, 1);

        Assert.Equal(
            "RESTATED 2025-03-01 acme: contraction 10,000 -> 9,500 (e-7) replaced by none, recorded 2026-01-05T09:30:00Z",
            ArrChangeLines.Restated(new CustomerArrRestated("acme", restatedOn, contraction, null, Recorded)));
        Assert.Equal(
            "RESTATED 2025-03-01 acme: none replaced by expansion 9,500 -> 11,500.50 (e-8), recorded 2026-01-05T09:30:00Z",
            ArrChangeLines.Restated(new CustomerArrRestated("acme", restatedOn, null, expansion, Recorded)));
        Assert.Equal(
            "RESTATED 2025-03-01 acme: contraction 10,000 -> 9,500 (e-7) replaced by expansion 9,500 -> 11,500.50 (e-8), recorded 2026-01-05T09:30:00Z",
            ArrChangeLines.Restated(new CustomerArrRestated("acme", restatedOn, contraction, expansion, Recorded)));
    }
}
