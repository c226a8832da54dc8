namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>A contract as the billing system holds it: billed every <see cref="PeriodMonths"/>, renewed every <see cref="TermMonths"/>.</summary>
internal sealed class SimulatedContract(SimulatedCustomer customer, string id, string product, int termMonths, int periodMonths)
{
    public SimulatedCustomer Customer { get; } = customer;

    public string Id { get; } = id;

    public string Product { get; } = product;

    public int TermMonths { get; } = termMonths;

    public int PeriodMonths { get; } = periodMonths;

    public decimal Arr { get; set; }

    public DateOnly TermEnd { get; set; }

    public bool Open { get; set; } = true;

    public DateOnly RenewalDue => TermEnd.AddDays(1);

    /// <summary>What one invoice of a billing period comes to; whole, because the ARR is kept a whole multiple of 12 ÷ months.</summary>
    public decimal RecurringAmount => Arr * PeriodMonths / 12;
}
