using System.Net;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// A small book with every way of losing revenue, recorded at two instants:
/// <list type="bullet">
/// <item><c>lo</c> (mid_market): two contracts, 40,000 upsold by 5,000 and 10,000, both churned on 2025-06-30: a logo churn of 55,000.</item>
/// <item><c>co</c> (enterprise): 60,000 and 6,000; the 6,000 ends on 2025-03-01 while the 60,000 stays: a contraction.</item>
/// <item><c>sw</c> (smb): its 20,000 contract ends on 2025-05-01 and a new one of 20,000 starts that day: no movement at all.</item>
/// <item><c>re</c> (smb): 12,000, churned on 2025-02-01; back with 15,000 on 2025-10-01, recorded at the second instant.</item>
/// <item><c>vo</c> (smb): 30,000, churned on 2025-04-01; the churn is voided at the second instant.</item>
/// </list>
/// </summary>
internal static class ChurnBook
{
    public static readonly Instant First = MetricsApp.Start + Duration.FromDays(1);

    public static readonly Instant Second = MetricsApp.Start + Duration.FromDays(2);

    /// <summary>The first instant as a query and the API write it.</summary>
    public static string FirstRecordedAt => InstantPattern.ExtendedIso.Format(First);

    /// <summary>Between the two instants: before the reactivation and the void.</summary>
    public static string KnownBetween => InstantPattern.ExtendedIso.Format(First + Duration.FromHours(1));

    /// <summary>After both instants.</summary>
    public static string KnownAfter => InstantPattern.ExtendedIso.Format(Second + Duration.FromHours(1));

    public static async Task SeedAsync(MetricsApp app)
    {
        (await app.PostEventsAtAsync(First, Batch(
            Signed("lo-1", "lo", "lo-c1", "2024-07-01", 40_000, "mid_market"),
            CrossSold("lo-2", "lo", "lo-c2", "2024-09-01", 10_000),
            Upsold("lo-3", "lo", "lo-c1", "2025-02-01", 5_000),
            ChurnedFor("lo-4", "lo", "lo-c1", "2025-06-30", "moved to a competitor"),
            ChurnedFor("lo-5", "lo", "lo-c2", "2025-06-30", null),
            Signed("co-1", "co", "co-c1", "2024-01-15", 60_000, "enterprise"),
            CrossSold("co-2", "co", "co-c2", "2024-05-01", 6_000),
            Churned("co-3", "co", "co-c2", "2025-03-01"),
            Signed("sw-1", "sw", "sw-c1", "2024-03-01", 20_000),
            Churned("sw-2", "sw", "sw-c1", "2025-05-01"),
            CrossSold("sw-3", "sw", "sw-c2", "2025-05-01", 20_000),
            Signed("re-1", "re", "re-c1", "2024-02-01", 12_000),
            Churned("re-2", "re", "re-c1", "2025-02-01"),
            Signed("vo-1", "vo", "vo-c1", "2024-01-01", 30_000),
            Churned("vo-2", "vo", "vo-c1", "2025-04-01")))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Second, Batch(
            Signed("re-3", "re", "re-c2", "2025-10-01", 15_000),
            Voided("vo-3", "vo-2")))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(Second + Duration.FromDays(1));
    }

    private static string ChurnedFor(string id, string customer, string contract, string date, string? reason) =>
        $$"""{"eventId":"{{id}}","type":"contract.churned","customerId":"{{customer}}","contractId":"{{contract}}","effectiveDate":"{{date}}"{{(reason is null ? "" : $",\"reason\":\"{reason}\"")}}}""";
}
