using System.Globalization;
using CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>The subscriber's printed form of an integration event: one line each, amounts as whole units unless they have cents.</summary>
public static class ArrChangeLines
{
    /// <summary>For example <c>2025-03-01 acme expansion 12,000 -> 14,500 (e-42) recorded 2026-01-05T09:30:00Z</c>.</summary>
    public static string Changed(CustomerArrChanged changed) =>
        $"{Date(changed.EffectiveDate)} {changed.CustomerId} {Movement(changed)} recorded {Instant(changed.RecordedAt)}";

    /// <summary>
    /// For example <c>RESTATED 2025-02-01 acme: contraction 10,000 -> 9,500 (e-7) replaced by none, recorded ...</c>;
    /// <c>none</c> stands for a day without a movement, before or after.
    /// </summary>
    public static string Restated(CustomerArrRestated restated) =>
        $"RESTATED {Date(restated.EffectiveDate)} {restated.CustomerId}: {Movement(restated.Replaces)} replaced by " +
        $"{Movement(restated.Current)}, recorded {Instant(restated.RecordedAt)}";

    private static string Movement(CustomerArrChanged? movement) => movement is null
        ? "none"
        : $"{movement.Movement} {Amount(movement.ArrBefore)} -> {Amount(movement.ArrAfter)} ({string.Join(", ", movement.EventIds)})";

    private static string Amount(decimal amount) =>
        amount.ToString(amount == decimal.Truncate(amount) ? "N0" : "N2", CultureInfo.InvariantCulture);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
