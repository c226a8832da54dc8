using System.Net;
using Newtonsoft.Json.Linq;
using NodaTime.Text;
using Snapshooter;
using Snapshooter.Xunit;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>The customer history's shape, in a class of its own: its recorded instants are fixed, and the recording clock never goes back.</summary>
public class CustomerEventsSnapshotTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task customer_events_response_shape()
    {
        var name = Snapshot.FullName();
        app.Clock.Reset(InstantPattern.ExtendedIso.Parse("2025-03-01T12:00:00Z").Value);
        (await app.PostEventsAsync(Batch(
            Signed("snev-1", "snev", "snev-c1", "2024-01-15", 12_000),
            CrossSold("snev-2", "snev", "snev-c2", "2024-06-01", 3_000),
            Upsold("snev-3", "snev", "snev-c1", "2024-09-01", 1_234.565m)))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(InstantPattern.ExtendedIso.Parse("2025-03-02T12:00:00Z").Value);
        (await app.PostEventsAsync(Batch(
            Churned("snev-4", "snev", "snev-c2", "2024-12-01"),
            Voided("snev-5", "snev-3"),
            Renewed("snev-6", "snev", "snev-c1", "2024-12-31", 13_000, "2025-12-30")))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(InstantPattern.ExtendedIso.Parse("2025-03-03T12:00:00Z").Value);

        var reply = (await app.GetAsync("/api/v1/customers/snev/events")).ShouldBe(HttpStatusCode.OK);

        Snapshot.Match(JToken.Parse(reply.Text), name);
    }
}
