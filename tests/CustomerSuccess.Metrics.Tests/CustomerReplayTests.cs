using CustomerSuccess.Metrics.Customers;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>A customer replayed event by event, each expectation worked by hand from the history.</summary>
public class CustomerReplayTests
{
    private static string[] Row(CustomerStep s) =>
        [s.EventId, s.Arr.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Status, string.Join('+', s.Movements),
            s.VoidedBy ?? s.VoidedEventId ?? ""];

    [Fact]
    public void events_of_one_day_each_show_the_running_arr_and_share_the_day_s_movement()
    {
        var b = new TimelineBuilder();
        b.Add(b.Signed("e1", "c1", "2024-01-01", 1_000))
            .Add(b.Upsold("e2", "c1", "2024-01-01", 500))
            .Add(b.CrossSold("e3", "c2", "2024-03-01", 2_000))
            .Add(b.Churned("e4", "c1", "2024-05-01"))
            .Add(b.Churned("e5", "c2", "2024-05-01"));

        string[][] expected =
        [
            ["e1", "1000", "active", "new", ""],
            ["e2", "1500", "active", "new", ""],
            ["e3", "3500", "active", "expansion", ""],
            // The day nets to one churn of 3,500, named by both events; the first leaves the customer active within the day.
            ["e4", "2000", "active", "churn", ""],
            ["e5", "0", "churned", "churn", ""],
        ];
        Assert.Equal(expected, CustomerReplay.InEffectiveOrder(b.Ledger).Select(Row));

        // As learnt: until the second churn arrived, the first made its day a contraction to 2,000.
        expected[3] = ["e4", "2000", "active", "contraction", ""];
        Assert.Equal(expected, CustomerReplay.InRecordedOrder(b.Ledger).Select(Row));
    }

    [Fact]
    public void a_customer_signed_and_churned_on_one_day_was_never_active()
    {
        var b = new TimelineBuilder();
        b.Add(b.Signed("e1", "c1", "2024-01-01", 1_000)).Add(b.Churned("e2", "c1", "2024-01-01"));

        Assert.Equal(
            [["e1", "1000", "active", "", ""], ["e2", "0", "never_active", "", ""]],
            CustomerReplay.InEffectiveOrder(b.Ledger).Select(Row));
    }

    [Fact]
    public void a_backdated_event_and_a_void_are_placed_in_effective_order_and_shown_as_learnt_in_recorded_order()
    {
        var b = new TimelineBuilder();
        b.Add(b.Signed("e1", "c1", "2024-01-01", 1_000))
            .Add(b.Upsold("e2", "c1", "2024-06-01", 300))
            .Add(b.Downsold("e3", "c1", "2024-03-01", 200))
            .Void("e4", "e2");

        Assert.Equal(
            [["e1", "1000", "active", "new", ""], ["e3", "800", "active", "contraction", ""], ["e2", "800", "active", "", "e4"]],
            CustomerReplay.InEffectiveOrder(b.Ledger).Select(Row));
        Assert.Equal(
            [
                ["e1", "1000", "active", "new", ""],
                ["e2", "1300", "active", "expansion", "e4"],
                // Learnt after the upsell of June, the downsell of March takes the customer to 800 there.
                ["e3", "800", "active", "contraction", ""],
                // The void leaves the upsell's place at the ARR before it.
                ["e4", "800", "active", "", "e2"],
            ],
            CustomerReplay.InRecordedOrder(b.Ledger).Select(Row));
        var theVoid = CustomerReplay.InRecordedOrder(b.Ledger)[^1];
        Assert.Null(theVoid.EffectiveDate);
        Assert.Null(theVoid.ContractId);
        Assert.Equal(b.RecordedAtOf("e4"), theVoid.RecordedAt);
    }
}
