using System.Net;
using Newtonsoft.Json.Linq;
using NodaTime.Text;
using Snapshooter;
using Snapshooter.Xunit;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

public class CustomerSnapshotTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task customer_response_shape()
    {
        var name = Snapshot.FullName();
        app.Clock.Reset(InstantPattern.ExtendedIso.Parse("2025-02-01T12:00:00Z").Value);
        (await app.PostEventsAsync(Batch(
            Signed("snap-1", "snap", "snap-c1", "2024-01-15", 12_000),
            CrossSold("snap-2", "snap", "snap-c2", "2024-06-01", 3_000),
            Upsold("snap-3", "snap", "snap-c1", "2024-09-01", 1_234.565m),
            Churned("snap-4", "snap", "snap-c2", "2024-12-01")))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(InstantPattern.ExtendedIso.Parse("2025-02-02T12:00:00Z").Value);

        var reply = (await app.GetAsync("/api/v1/customers/snap?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK);

        Snapshot.Match(JToken.Parse(reply.Text), name);
    }

}
