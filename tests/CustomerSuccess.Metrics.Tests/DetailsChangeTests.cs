using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
using static CustomerSuccess.Metrics.Tests.TimelineBuilder;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>A customer's name and segment changes: a row for each effective day that ends with other values than the last.</summary>
public class DetailsChangeTests
{
    private readonly TimelineBuilder _acme = new();

    private TimelineEntry Named(string id, string contract, string date, string? name, string? segment) =>
        _acme.Entry(new ContractRenewed(id, "acme", contract, D(date), 12_000, D(date).PlusYears(1), new CustomerDetails(name, segment, null), null));

    private List<TimelineEntry> History() =>
    [
        _acme.Entry(_acme.Signed("e1", "c1", "2024-01-15", 12_000, "smb")),
        _acme.Entry(_acme.Upsold("e2", "c1", "2024-02-01", 1_000)),
        Named("e3", "c1", "2024-03-01", "Acme", null),
        Named("e4", "c1", "2024-04-01", "Acme", "smb"),
        Named("e5", "c1", "2024-05-01", "Acme Corp", "enterprise"),
        Named("e6", "c1", "2024-05-01", "Acme", "enterprise"),
        Named("e7", "c1", "2024-06-01", "Acme Holdings", "smb"),
        Named("e8", "c1", "2024-06-01", "Acme", "enterprise"),
    ];

    [Fact]
    public void a_day_that_ends_with_other_values_is_a_change_and_same_day_values_net_out()
    {
        var changes = DetailsChange.Of(TimelineEntry.InEffectiveOrder(History()));

        Assert.Equal(
            [
                new DetailsChange(D("2024-01-15"), null, "smb"),
                new DetailsChange(D("2024-03-01"), "Acme", "smb"),
                new DetailsChange(D("2024-05-01"), "Acme", "enterprise"),
            ],
            changes);
    }

    [Fact]
    public void the_tail_gives_the_changes_of_its_last_day_as_the_whole_timeline_does()
    {
        var tail = new CustomerTail { Id = "acme" };
        var settled = new List<DetailsChange>();
        var timeline = new List<TimelineEntry>();
        foreach (var entry in History())
        {
            if (tail.LastDate is { } last && entry.EffectiveDate > last)
            {
                settled.AddRange(tail.LastDayDetails());
            }

            tail.Append(entry);
            timeline.Add(entry);

            Assert.Equal(DetailsChange.Of(TimelineEntry.InEffectiveOrder(timeline)), [.. settled, .. tail.LastDayDetails()]);
        }
    }
}
