using CustomerSuccess.Metrics.Recording;

namespace CustomerSuccess.Metrics.Tests;

public class CustomerDeciderTests
{
    private readonly TimelineBuilder _acme = new();

    [Fact]
    public void a_valid_lifecycle_is_accepted_event_by_event()
    {
        Assert.Null(CustomerDecider.Decide(_acme.Ledger, _acme.Entry(_acme.Signed("e1", "c1", "2024-01-15", 12_000))));
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 12_000));
        foreach (var next in new Contracts.TimelineEntry[]
                 {
                     _acme.Entry(_acme.Upsold("e2", "c1", "2024-03-01", 2_500)),
                     _acme.Entry(_acme.CrossSold("e3", "c2", "2024-06-01", 3_000)),
                     _acme.Entry(_acme.Downsold("e4", "c1", "2024-09-01", 1_000)),
                     _acme.Entry(_acme.Renewed("e5", "c1", "2025-01-15", 15_000)),
                     _acme.Entry(_acme.Churned("e6", "c2", "2025-06-01")),
                 })
        {
            Assert.Null(CustomerDecider.Decide(_acme.Ledger, next));
            _acme.Ledger.Entries.Add(next);
        }
    }

    [Fact]
    public void upsell_of_an_unknown_contract_breaks_a_business_rule()
    {
        var refusal = CustomerDecider.Decide(_acme.Ledger, _acme.Entry(_acme.Upsold("e1", "nope", "2024-03-01", 100)));

        Assert.Equal(RefusalKind.BusinessRule, refusal?.Kind);
        Assert.Equal("contractId", refusal?.Field);
        Assert.Contains("has not been signed", refusal?.Detail);
    }

    [Fact]
    public void upsell_after_churn_is_refused_because_the_contract_is_closed()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 12_000)).Add(_acme.Churned("e2", "c1", "2024-06-01"));

        var refusal = CustomerDecider.Decide(_acme.Ledger, _acme.Entry(_acme.Upsold("e3", "c1", "2024-07-01", 100)));

        Assert.Equal(RefusalKind.BusinessRule, refusal?.Kind);
        Assert.Contains("closed", refusal?.Detail);
    }

    [Theory]
    [InlineData(12_000)]
    [InlineData(12_000.01)]
    public void downsell_to_or_below_zero_is_refused_on_arrDecrease(decimal decrease)
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 12_000));

        var refusal = CustomerDecider.Decide(_acme.Ledger, _acme.Entry(_acme.Downsold("e2", "c1", "2024-03-01", decrease)));

        Assert.Equal(RefusalKind.BusinessRule, refusal?.Kind);
        Assert.Equal("arrDecrease", refusal?.Field);
    }

    [Fact]
    public void backdated_churn_before_a_later_upsell_is_a_conflict_naming_the_later_event()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 12_000)).Add(_acme.Upsold("e2", "c1", "2024-09-01", 1_000));

        var refusal = CustomerDecider.Decide(_acme.Ledger, _acme.Entry(_acme.Churned("e3", "c1", "2024-06-01")));

        Assert.Equal(RefusalKind.Conflict, refusal?.Kind);
        Assert.Contains("'e2'", refusal?.Detail);
        Assert.Equal("effectiveDate", refusal?.Field);
    }

    [Fact]
    public void backdated_downsell_that_would_make_a_later_downsell_overdraw_is_a_conflict()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000)).Add(_acme.Downsold("e2", "c1", "2024-09-01", 6_000));

        var refusal = CustomerDecider.Decide(_acme.Ledger, _acme.Entry(_acme.Downsold("e3", "c1", "2024-03-01", 5_000)));

        Assert.Equal(RefusalKind.Conflict, refusal?.Kind);
        Assert.Contains("'e2'", refusal?.Detail);
    }

    [Fact]
    public void backdated_upsell_that_keeps_the_timeline_valid_is_accepted()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000)).Add(_acme.Downsold("e2", "c1", "2024-09-01", 6_000));

        Assert.Null(CustomerDecider.Decide(_acme.Ledger, _acme.Entry(_acme.Upsold("e3", "c1", "2024-03-01", 5_000))));
    }

    [Fact]
    public void a_contract_id_opens_once()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000));

        var refusal = CustomerDecider.Decide(_acme.Ledger, _acme.Entry(_acme.Signed("e2", "c1", "2023-01-15", 5_000)));

        Assert.Equal(RefusalKind.BusinessRule, refusal?.Kind);
        Assert.Equal("contractId", refusal?.Field);
        Assert.Contains("'e1'", refusal?.Detail);
    }

    [Fact]
    public void a_cross_sell_needs_an_existing_customer()
    {
        var refusal = CustomerDecider.Decide(_acme.Ledger, _acme.Entry(_acme.CrossSold("e1", "c1", "2024-01-15", 5_000)));

        Assert.Equal(RefusalKind.BusinessRule, refusal?.Kind);
        Assert.Contains("contract.signed", refusal?.Detail);
    }

    [Fact]
    public void voiding_the_signing_of_a_contract_with_later_events_is_a_conflict()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000)).Add(_acme.Upsold("e2", "c1", "2024-03-01", 1_000));

        var refusal = CustomerDecider.DecideVoid(_acme.Ledger, new Ledger.VoidEntry("v1", "e1", 99, NodaTime.Instant.MaxValue, null));

        Assert.Equal(RefusalKind.Conflict, refusal?.Kind);
        Assert.Equal("voidedEventId", refusal?.Field);
    }

    [Fact]
    public void voiding_an_upsell_is_accepted()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000)).Add(_acme.Upsold("e2", "c1", "2024-03-01", 1_000));

        Assert.Null(CustomerDecider.DecideVoid(_acme.Ledger, new Ledger.VoidEntry("v1", "e2", 99, NodaTime.Instant.MaxValue, null)));
    }

    [Fact]
    public void a_voided_signing_frees_its_contract_id()
    {
        _acme.Add(_acme.Signed("e1", "c1", "2024-01-15", 10_000)).Void("v1", "e1");

        Assert.Null(CustomerDecider.Decide(_acme.Ledger, _acme.Entry(_acme.Signed("e2", "c1", "2024-02-01", 9_000))));
    }
}
