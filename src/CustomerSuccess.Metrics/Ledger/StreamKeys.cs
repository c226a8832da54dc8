using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// The event store's streams: one per customer, keyed by the customer's id, and a few of the book's own, whose keys
/// start with '~'. A customer id cannot contain '~', so the two never collide.
/// </summary>
public static class StreamKeys
{
    /// <summary>Retention spend, which is not a customer's.</summary>
    public const string RetentionCosts = "~retention-costs";

    /// <summary>Customer-success signals (surveys, usage, touches, risks, assignments), which move no ARR.</summary>
    public const string Signals = "~signals";

    /// <summary>The start of the key of a reporting month's stream of closes and reopenings.</summary>
    public const string PeriodPrefix = "~period-";

    public static string Period(YearMonth month) => PeriodPrefix + YearMonthPattern.Iso.Format(month);

    public static bool IsCustomer(string streamKey) => !streamKey.StartsWith('~');
}
