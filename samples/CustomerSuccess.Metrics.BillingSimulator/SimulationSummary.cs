namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>
/// What a run published, and what the engine should hold once it has read every message: the book's ARR and active
/// customers as of <see cref="LastDay"/> or any later date, and the retention spend.
/// </summary>
/// <param name="Unpublished">
/// The event id of the message the broker had not taken when the run was stopped, if any: the book's figures include it.
/// </param>
public sealed record SimulationSummary(
    long Sent, long Events, long Duplicates, long Invalid, string? Unpublished, decimal Arr, int ActiveCustomers, decimal RetentionSpend,
    DateOnly LastDay);
