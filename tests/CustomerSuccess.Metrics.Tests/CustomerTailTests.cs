using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Movements;
using CustomerSuccess.Metrics.Recording;
using NodaTime;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>The tail must decide and classify an event at the end of a timeline exactly as the whole timeline does.</summary>
public class CustomerTailTests
{
    private readonly TimelineBuilder _acme = new();

    private IEnumerable<TimelineEntry> History() =>
    [
        _acme.Entry(_acme.Signed("e1", "c1", "2024-01-15", 12_000, "smb")),
        _acme.Entry(_acme.Upsold("e2", "c1", "2024-03-01", 2_500)),
        _acme.Entry(_acme.CrossSold("e3", "c2", "2024-03-01", 3_000)),
        _acme.Entry(_acme.Downsold("e4", "c1", "2024-03-01", 500)),
        _acme.Entry(_acme.Renewed("e5", "c1", "2025-01-15", 15_000, "mid_market")),
        _acme.Entry(_acme.Churned("e6", "c2", "2025-06-01")),
        _acme.Entry(_acme.Churned("e7", "c1", "2025-06-01")),
        _acme.Entry(_acme.Signed("e8", "c3", "2025-09-01", 9_000)),
        _acme.Entry(_acme.Upsold("e9", "c3", "2025-09-01", 1_000)),
        _acme.Entry(_acme.Downsold("e10", "c3", "2025-10-01", 2_000)),
    ];

    private static List<Movement> Classified(CustomerTail tail, List<Movement> settled) => [.. settled, .. tail.LastDayMovements()];

    [Fact]
    public void appending_at_the_end_classifies_every_day_as_the_whole_timeline_does()
    {
        var tail = new CustomerTail { Id = "acme" };
        var settled = new List<Movement>();
        var timeline = new List<TimelineEntry>();

        foreach (var entry in History())
        {
            Assert.True(tail.IsAtEnd(entry));
            if (tail.LastDate is { } last && entry.EffectiveDate > last)
            {
                settled.AddRange(tail.LastDayMovements());
            }

            tail.Append(entry);
            timeline.Add(entry);

            var expected = Movement.Classify(TimelineEntry.InEffectiveOrder(timeline));
            var actual = Classified(tail, settled);
            Assert.Equal(expected.Count, actual.Count);
            Assert.All(expected.Zip(actual), pair => Assert.True(pair.First.SameAs(pair.Second), $"{pair.First} != {pair.Second}"));
        }

        Assert.Contains(settled, m => m.Kind == MovementKinds.Reactivation);
        Assert.Contains(settled, m => m.Kind == MovementKinds.TransferIn);
        Assert.Equal(tail.Closing().TotalArr, new ContractBook(tail.Opening).TotalArr + tail.LastDayMovements().Sum(m => m.ArrDelta));
    }

    [Fact]
    public void deciding_at_the_end_refuses_exactly_what_the_whole_timeline_refuses()
    {
        var tail = new CustomerTail { Id = "acme" };
        foreach (var entry in History())
        {
            _acme.Ledger.Entries.Add(entry);
            tail.Append(entry);
        }

        TimelineEntry[] candidates =
        [
            _acme.Entry(_acme.Signed("n1", "c1", "2025-10-01", 100)),
            _acme.Entry(_acme.Signed("n2", "c3", "2025-11-01", 100)),
            _acme.Entry(_acme.Upsold("n3", "c2", "2025-11-01", 100)),
            _acme.Entry(_acme.Upsold("n4", "nope", "2025-11-01", 100)),
            _acme.Entry(_acme.Downsold("n5", "c3", "2025-10-01", 8_000)),
            _acme.Entry(_acme.Downsold("n6", "c3", "2025-12-01", 7_999)),
            _acme.Entry(_acme.Renewed("n7", "c3", "2026-09-01", 10_000)),
            _acme.Entry(_acme.Churned("n8", "c1", "2026-01-01")),
            _acme.Entry(_acme.CrossSold("n9", "c4", "2025-10-01", 4_000)),
        ];

        var refusals = 0;
        foreach (var candidate in candidates)
        {
            Assert.True(tail.IsAtEnd(candidate));
            var whole = CustomerDecider.Decide(_acme.Ledger, candidate);
            Assert.Equal(whole, CustomerDecider.DecideAtEnd(tail, candidate));
            refusals += whole is null ? 0 : 1;
        }

        Assert.Equal(6, refusals);
    }

    [Fact]
    public void a_cross_sell_for_a_customer_without_contracts_is_refused_at_the_end_too()
    {
        var candidate = _acme.Entry(_acme.CrossSold("x1", "c9", "2025-01-01", 1_000));

        var refusal = CustomerDecider.DecideAtEnd(new CustomerTail { Id = "acme" }, candidate);

        Assert.Equal(CustomerDecider.Decide(_acme.Ledger, candidate), refusal);
        Assert.Equal("customerId", refusal?.Field);
    }

    [Fact]
    public void rebasing_on_a_ledger_with_a_void_leaves_out_the_voided_entry()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 12_000))
            .Add(_acme.Upsold("e2", "c1", "2024-06-01", 3_000))
            .Add(_acme.Upsold("e3", "c1", "2024-06-01", 1_000))
            .Void("v1", "e3");

        var tail = new CustomerTail { Id = "acme" };
        tail.Rebase(_acme.Ledger);

        Assert.Equal(4, tail.Version);
        Assert.Equal(TimelineBuilder.D("2024-06-01"), tail.LastDate);
        Assert.Equal(["e2"], tail.LastDay.Select(e => e.EventId));
        Assert.Equal(15_000m, tail.Closing().TotalArr);
        Assert.True(tail.EverActive);
        var expansion = Assert.Single(tail.LastDayMovements());
        Assert.Equal(MovementKinds.Expansion, expansion.Kind);
        Assert.Equal(3_000m, expansion.Amount);
    }

    [Fact]
    public void an_event_follows_on_or_after_the_latest_day_and_one_before_it_does_not()
    {
        LocalDate? latest = null;
        Assert.True(CustomerTail.Follows(ref latest, new LocalDate(2024, 3, 1)));
        Assert.True(CustomerTail.Follows(ref latest, new LocalDate(2024, 3, 1)));
        Assert.True(CustomerTail.Follows(ref latest, new LocalDate(2024, 5, 1)));

        Assert.False(CustomerTail.Follows(ref latest, new LocalDate(2024, 4, 30)));
        Assert.Equal(new LocalDate(2024, 5, 1), latest);
    }
}
