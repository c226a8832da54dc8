using CustomerSuccess.Metrics.Movements;

namespace CustomerSuccess.Metrics.Tests;

public class MovementClassificationTests
{
    private readonly TimelineBuilder _acme = new();

    private IReadOnlyList<Movement> Movements() => Movement.Classify(_acme.Ledger.KnownTimeline());

    [Fact]
    public void first_signing_is_new_business()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 12_000));

        var movement = Assert.Single(Movements());
        Assert.Equal((MovementKinds.New, 12_000m, 12_000m, 1), (movement.Kind, movement.Amount, movement.ArrDelta, movement.LogoDelta));
        Assert.Equal(["e1"], movement.EventIds);
    }

    [Fact]
    public void upsell_and_downsell_on_one_day_net_to_one_expansion()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 50_000))
            .Add(_acme.Upsold("e2", "c1", "2024-05-01", 5_000))
            .Add(_acme.Downsold("e3", "c1", "2024-05-01", 2_000));

        var movement = Movements()[1];
        Assert.Equal((MovementKinds.Expansion, 3_000m), (movement.Kind, movement.Amount));
        Assert.Equal(["e2", "e3"], movement.EventIds);
    }

    [Fact]
    public void churning_one_contract_while_another_remains_is_contraction()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000))
            .Add(_acme.CrossSold("e2", "c2", "2024-02-01", 4_000))
            .Add(_acme.Churned("e3", "c2", "2024-08-01"));

        Assert.Equal(
            [(MovementKinds.New, 10_000m), (MovementKinds.Expansion, 4_000m), (MovementKinds.Contraction, 4_000m)],
            Movements().Select(m => (m.Kind, m.Amount)));
    }

    [Fact]
    public void renewal_at_a_higher_price_is_expansion_and_at_a_lower_price_contraction()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000))
            .Add(_acme.Renewed("e2", "c1", "2025-01-15", 12_000))
            .Add(_acme.Renewed("e3", "c1", "2026-01-15", 11_000));

        Assert.Equal(
            [(MovementKinds.New, 10_000m), (MovementKinds.Expansion, 2_000m), (MovementKinds.Contraction, 1_000m)],
            Movements().Select(m => (m.Kind, m.Amount)));
    }

    [Fact]
    public void coming_back_after_churn_is_reactivation_not_new()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000))
            .Add(_acme.Churned("e2", "c1", "2024-06-01"))
            .Add(_acme.Signed("e3", "c2", "2025-01-01", 8_000));

        Assert.Equal(
            [(MovementKinds.New, 10_000m, 1), (MovementKinds.Churn, 10_000m, -1), (MovementKinds.Reactivation, 8_000m, 1)],
            Movements().Select(m => (m.Kind, m.Amount, m.LogoDelta)));
    }

    [Fact]
    public void signing_and_churning_on_the_same_day_leaves_no_movement()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000)).Add(_acme.Churned("e2", "c1", "2024-01-15"));

        Assert.Empty(Movements());
    }

    [Fact]
    public void a_segment_change_moves_the_customers_arr_between_segments()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000, segment: "smb"))
            .Add(_acme.Renewed("e2", "c1", "2025-01-15", 30_000, segment: "mid_market"));

        var movements = Movements();
        Assert.Equal(
            [
                (MovementKinds.New, "smb", 10_000m),
                (MovementKinds.TransferOut, "smb", -10_000m),
                (MovementKinds.TransferIn, "mid_market", 10_000m),
                (MovementKinds.Expansion, "mid_market", 20_000m),
            ],
            movements.Select(m => (m.Kind, m.Segment!, m.ArrDelta)));
        Assert.Equal(30_000m, movements.Sum(m => m.ArrDelta));
        Assert.Equal(1, movements.Sum(m => m.LogoDelta));
    }

    [Fact]
    public void voided_events_do_not_move_arr_after_the_void_but_did_before()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000))
            .Add(_acme.Upsold("e2", "c1", "2024-03-01", 1_000))
            .Void("v1", "e2");

        var beforeVoid = Movement.Classify(_acme.Ledger.KnownTimeline(_acme.RecordedAtOf("e2")));
        var afterVoid = Movement.Classify(_acme.Ledger.KnownTimeline(_acme.RecordedAtOf("v1")));

        Assert.Equal(11_000m, beforeVoid.Sum(m => m.ArrDelta));
        Assert.Equal(10_000m, afterVoid.Sum(m => m.ArrDelta));
    }
}
