namespace CustomerSuccess.Metrics.SampleBook;

/// <summary>
/// What to generate: how many customers, the seed that drives every choice, the inclusive date range that every
/// effective date and cost date falls in (a term end date may run past <see cref="End"/>, as real terms do), and how
/// many months before <see cref="End"/> carry customer-success signals (0: none, contract and cost events only).
/// </summary>
public sealed record SampleBookOptions(int Customers, int Seed, DateOnly Start, DateOnly End, int SignalMonths = 12)
{
    /// <summary>1,000 customers over 2021-2025, with signals over 2025: about 17,000 contract and cost events and 21,000 signals (38,000 events).</summary>
    public static SampleBookOptions Small => new(1_000, 42, new DateOnly(2021, 1, 1), new DateOnly(2025, 12, 31));

    /// <summary>50,000 customers over 2021-2025, with signals over 2025: about 830,000 contract and cost events and 1,060,000 signals (1.9 million events).</summary>
    public static SampleBookOptions Large => new(50_000, 42, new DateOnly(2021, 1, 1), new DateOnly(2025, 12, 31));
}
