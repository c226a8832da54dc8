using System.Net;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Stores written by earlier versions, and what a rebuild makes of them.</summary>
public class UpgradeTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task a_store_without_receipts_records_nothing_until_it_is_rebuilt()
    {
        var signed = Signed("up-1", "up", "up-c1", "2024-01-15", 10_000);
        (await app.PostEventsAsync(signed)).ShouldBe(HttpStatusCode.OK);
        await app.ExecuteSqlAsync($"delete from {app.Schema}.{ReadModelTables.EventReceiptsName}");

        var refused = (await app.PostEventsAsync(signed)).ShouldBe(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("projections rebuild", refused["detail"].GetValue<string>());

        await app.RunHostCommandAsync("projections", "rebuild");

        var again = (await app.PostEventsAsync(signed)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("duplicate", again["results"][0]!["status"]!.GetValue<string>());
        Assert.Single((await app.GetAsync("/api/v1/customers/up/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray());
    }

    [Fact]
    public async Task a_store_whose_rebuild_did_not_finish_records_nothing_until_it_is_rebuilt()
    {
        (await app.PostEventsAsync(Signed("ir-1", "ir", "ir-c1", "2024-01-15", 10_000))).ShouldBe(HttpStatusCode.OK);
        // The progress a rebuild keeps while it runs, left behind when it is stopped part way.
        await app.ExecuteSqlAsync(
            $"insert into {app.Schema}.mt_event_progression (name, last_seq_id) values ('{LedgerProjection.ProjectionName}:All', 1)");

        var upsold = Upsold("ir-2", "ir", "ir-c1", "2024-02-15", 1_000);
        var refused = (await app.PostEventsAsync(upsold)).ShouldBe(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("rebuil", refused["detail"].GetValue<string>());
        var unread = (await app.GetAsync("/api/v1/arr?asOf=2024-03-01")).ShouldBe(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("incomplete", unread["detail"].GetValue<string>());
        Assert.Single((await app.GetAsync("/api/v1/customers/ir/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray());

        await app.RunHostCommandAsync("projections", "rebuild");

        (await app.PostEventsAsync(upsold)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(11_000m, (await app.GetAsync("/api/v1/customers/ir?asOf=2024-03-01")).Decimal("arr"));
        (await app.GetAsync("/api/v1/arr?asOf=2024-03-01")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_store_holding_unrounded_arr_answers_at_every_known_at_after_a_rebuild()
    {
        var t = app.Clock.GetCurrentInstant();
        var recorded = t + Duration.FromDays(1);
        // Appended as versions that kept 28 decimal places of a 7-month amount recorded it.
        await using (var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            var signed = new ContractSigned("ur-1", "ur", "ur-c1", new LocalDate(2024, 1, 15), 0m, null, null, null, new RecurringAmount(1_000m, 7))
                with { Arr = 12_000m / 7m };
            session.Events.Append("ur", signed).Events.Single().Timestamp = recorded.ToDateTimeOffset();
            await session.SaveChangesAsync();
        }

        (await app.PostEventsAtAsync(t + Duration.FromDays(2), Upsold("ur-2", "ur", "ur-c1", "2024-02-01", 9_000))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(t + Duration.FromDays(3));
        var knownAfterSigning = $"asOf=2024-12-31&knownAt={InstantPattern.ExtendedIso.Format(recorded + Duration.FromHours(1))}";
        Assert.Equal(HttpStatusCode.InternalServerError, (await app.GetAsync("/api/v1/arr?asOf=2024-12-31")).Status);

        await app.RunHostCommandAsync("projections", "rebuild");

        Assert.Equal(1_714.29m, (await app.GetAsync($"/api/v1/customers/ur?{knownAfterSigning}")).ShouldBe(HttpStatusCode.OK).Decimal("arr"));
        Assert.Equal(10_714.29m, (await app.GetAsync("/api/v1/customers/ur?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK).Decimal("arr"));
        (await app.GetAsync($"/api/v1/arr?{knownAfterSigning}")).ShouldBe(HttpStatusCode.OK);
        (await app.GetAsync("/api/v1/arr?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK);
        (await app.GetAsync("/api/v1/metrics/retention?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK);
        var resent = await app.PostEventsAsync(
            """{"eventId":"ur-1","type":"contract.signed","customerId":"ur","contractId":"ur-c1","effectiveDate":"2024-01-15","recurringAmount":1000,"periodMonths":7}""");
        Assert.Equal("duplicate", resent.ShouldBe(HttpStatusCode.OK)["results"][0]!["status"]!.GetValue<string>());
    }
}
