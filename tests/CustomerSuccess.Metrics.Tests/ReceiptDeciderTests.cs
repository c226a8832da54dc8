using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Recording;
using NodaTime;

namespace CustomerSuccess.Metrics.Tests;

public class ReceiptDeciderTests
{
    private static readonly ContractUpsold Upsell = new("u-1", "acme", "acme-1", new LocalDate(2024, 3, 1), 2_500m, null);

    private static EventReceipt ReceiptOf(IPublishedEvent e, string? voidedBy = null) =>
        new() { Id = e.EventId, Type = EventTypeNames.Of(e), StreamKey = "acme", Fingerprint = EventReceipt.FingerprintOf(e), VoidedBy = voidedBy };

    [Fact]
    public void an_identical_resend_is_not_refused()
    {
        Assert.Null(ReceiptDecider.Resend(ReceiptOf(Upsell), Upsell with { }));
    }

    [Fact]
    public void an_event_id_reused_with_other_content_is_a_conflict()
    {
        var refusal = ReceiptDecider.Resend(ReceiptOf(Upsell), Upsell with { ArrIncrease = 2_501m });

        Assert.Equal(RefusalKind.Conflict, refusal!.Kind);
        Assert.Equal("eventId", refusal.Field);
    }

    [Fact]
    public void trailing_zeros_do_not_make_other_content()
    {
        Assert.Null(ReceiptDecider.Resend(ReceiptOf(Upsell), Upsell with { ArrIncrease = RecordedArr.Normalise(2_500.00m) }));
    }

    [Fact]
    public void a_void_may_retract_a_recorded_event_once()
    {
        var v = new EventVoided("v-1", "u-1", null);

        Assert.Null(ReceiptDecider.VoidTarget(v, ReceiptOf(Upsell)));
        Assert.Contains("already been voided by 'v-0'", ReceiptDecider.VoidTarget(v, ReceiptOf(Upsell, voidedBy: "v-0"))!.Detail);
    }

    [Fact]
    public void a_void_of_nothing_or_of_a_void_is_refused()
    {
        var earlierVoid = new EventVoided("v-0", "x-1", null);
        var v = new EventVoided("v-1", "v-0", null);

        Assert.Contains("no event", ReceiptDecider.VoidTarget(v, null)!.Detail);
        var refusal = ReceiptDecider.VoidTarget(v, ReceiptOf(earlierVoid));
        Assert.Equal(RefusalKind.BusinessRule, refusal!.Kind);
        Assert.Equal("voidedEventId", refusal.Field);
        Assert.Contains("itself a void", refusal.Detail);
    }
}
