using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Movements;
using CustomerSuccess.Metrics.Timeline;
using NodaTime;
using static CustomerSuccess.Metrics.Tests.TimelineBuilder;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>
/// A customer's timeline from its ledger: a signing, an upsell, a renewal at the same price, a downsell, a churn and a
/// reactivation, each recorded on its own, then a backdated downsell and a void of the upsell.
/// </summary>
public class CustomerTimelineTests
{
    private static readonly LocalDate Earliest = new(1970, 1, 1);
    private static readonly LocalDate Latest = new(2199, 12, 31);

    private readonly TimelineBuilder _acme = new();

    public CustomerTimelineTests() =>
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-01", 10_000))
            .Add(_acme.Upsold("e2", "c1", "2024-03-01", 2_000))
            .Add(_acme.Renewed("e3", "c1", "2024-06-01", 12_000))
            .Add(_acme.Downsold("e4", "c1", "2024-09-01", 3_000))
            .Add(_acme.Churned("e5", "c1", "2024-12-01"))
            .Add(_acme.Signed("e6", "c2", "2025-02-01", 5_000));

    private Instant Now => _acme.Ledger.Entries.Select(e => e.RecordedAt).Concat(_acme.Ledger.Voids.Select(v => v.RecordedAt)).Max();

    private List<TimelineDay> Days(Instant knownAt) => [.. CustomerTimeline.Days(_acme.Ledger, knownAt, Earliest, Latest)];

    private List<TimelineRevision> Revisions(Instant knownAt) => [.. CustomerTimeline.Revisions(_acme.Ledger, knownAt, Earliest, Latest)];

    private static (string, decimal, decimal, string?) Row(TimelineDay day) =>
        ($"{day.Date:yyyy-MM-dd}", day.Figures.ArrBefore, day.Figures.ArrAfter, day.Figures.Kind);

    [Fact]
    public void each_day_with_an_event_shows_the_arr_around_it_and_its_movement()
    {
        Assert.Equal(
            [
                ("2024-01-01", 0m, 10_000m, MovementKinds.New),
                ("2024-03-01", 10_000m, 12_000m, MovementKinds.Expansion),
                ("2024-06-01", 12_000m, 12_000m, null),
                ("2024-09-01", 12_000m, 9_000m, MovementKinds.Contraction),
                ("2024-12-01", 9_000m, 0m, MovementKinds.Churn),
                ("2025-02-01", 0m, 5_000m, MovementKinds.Reactivation),
            ],
            Days(Now).Select(Row));
        Assert.Equal(["e3"], Days(Now)[2].Events.Select(e => e.EventId));
        Assert.Empty(Revisions(Now));
    }

    [Fact]
    public void a_backdated_downsell_revises_its_day_and_the_later_days_it_changes_and_no_others()
    {
        var before = Now;
        _acme.Add(_acme.Downsold("e7", "c1", "2024-04-01", 1_000));

        var revision = Assert.Single(Revisions(Now));
        Assert.Equal(_acme.RecordedAtOf("e7"), revision.RecordedAt);
        Assert.Equal(["e7"], revision.EventIds);
        Assert.Equal(
            [
                (D("2024-04-01"), new DayFigures(12_000m, 12_000m, null), new DayFigures(12_000m, 11_000m, MovementKinds.Contraction)),
                (D("2024-06-01"), new DayFigures(12_000m, 12_000m, null), new DayFigures(11_000m, 12_000m, MovementKinds.Expansion)),
            ],
            revision.Changes.Select(c => (c.Date, c.Before, c.After)));
        Assert.Equal(("2024-04-01", 12_000m, 11_000m, MovementKinds.Contraction), Row(Days(Now)[2]));
        Assert.Equal(6, Days(before).Count);
        Assert.Empty(Revisions(before));
    }

    [Fact]
    public void a_void_revises_the_days_it_changes_and_leaves_the_voided_event_on_its_day_marked()
    {
        _acme.Add(_acme.Downsold("e7", "c1", "2024-04-01", 1_000)).Void("v1", "e2");

        var revisions = Revisions(Now);
        Assert.Equal(["e7", "v1"], revisions.Select(r => string.Join(" ", r.EventIds)));
        Assert.Equal(
            [
                (D("2024-03-01"), new DayFigures(10_000m, 12_000m, MovementKinds.Expansion), new DayFigures(10_000m, 10_000m, null)),
                (D("2024-04-01"), new DayFigures(12_000m, 11_000m, MovementKinds.Contraction), new DayFigures(10_000m, 9_000m, MovementKinds.Contraction)),
                (D("2024-06-01"), new DayFigures(11_000m, 12_000m, MovementKinds.Expansion), new DayFigures(9_000m, 12_000m, MovementKinds.Expansion)),
            ],
            revisions[1].Changes.Select(c => (c.Date, c.Before, c.After)));
        var upsellDay = Days(Now)[1];
        Assert.Equal(("2024-03-01", 10_000m, 10_000m, null), Row(upsellDay));
        Assert.True(Assert.Single(upsellDay.Events).Voided);
        Assert.False(Assert.Single(Days(_acme.RecordedAtOf("e7"))[1].Events).Voided);
    }

    [Fact]
    public void an_event_on_the_latest_day_known_or_after_it_revises_nothing()
    {
        _acme.Add(_acme.Upsold("e7", "c2", "2025-02-01", 1_000)).Add(_acme.Upsold("e8", "c2", "2025-03-01", 1_000));

        Assert.Empty(Revisions(Now));
        Assert.Equal(("2025-02-01", 0m, 6_000m, MovementKinds.Reactivation), Row(Days(Now)[5]));
    }

    [Fact]
    public void a_day_whose_events_are_all_voided_is_still_known_so_an_event_before_it_is_a_revision()
    {
        _acme.Void("v1", "e6").Add(_acme.Signed("e7", "c3", "2025-01-15", 4_000));

        var revisions = Revisions(Now);
        Assert.Equal(["v1", "e7"], revisions.Select(r => string.Join(" ", r.EventIds)));
        Assert.Equal(
            [(D("2025-01-15"), new DayFigures(0m, 0m, null), new DayFigures(0m, 4_000m, MovementKinds.Reactivation)),
             (D("2025-02-01"), new DayFigures(0m, 0m, null), new DayFigures(4_000m, 4_000m, null))],
            revisions[1].Changes.Select(c => (c.Date, c.Before, c.After)));
    }

    [Fact]
    public void a_range_keeps_the_days_and_the_changes_inside_it_and_every_revision()
    {
        _acme.Add(_acme.Downsold("e7", "c1", "2024-04-01", 1_000));

        var days = CustomerTimeline.Days(_acme.Ledger, Now, D("2024-05-01"), D("2024-12-01")).ToList();
        var revision = Assert.Single(CustomerTimeline.Revisions(_acme.Ledger, Now, D("2024-05-01"), D("2024-12-01")));
        var outside = Assert.Single(CustomerTimeline.Revisions(_acme.Ledger, Now, D("2025-01-01"), Latest));

        Assert.Equal(["2024-06-01", "2024-09-01", "2024-12-01"], days.Select(d => $"{d.Date:yyyy-MM-dd}"));
        Assert.Equal(11_000m, days[0].Figures.ArrBefore);
        Assert.Equal([D("2024-06-01")], revision.Changes.Select(c => c.Date));
        Assert.Empty(outside.Changes);
    }

    [Fact]
    public void nothing_recorded_after_knownAt_shows()
    {
        var signed = _acme.RecordedAtOf("e1");

        Assert.Equal([("2024-01-01", 0m, 10_000m, MovementKinds.New)], Days(signed).Select(Row));
        Assert.Equal(EventTypeNames.Signed, Days(signed)[0].Events[0].Type);
    }
}
