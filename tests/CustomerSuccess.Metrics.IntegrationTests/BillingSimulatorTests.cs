using System.Globalization;
using System.Net;
using CustomerSuccess.Metrics.BillingSimulator;
using CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// A second service that knows only the contracts package and the broker's address (the billing simulator) publishes
/// a stream with resends and invalid messages in it; the engine ends up holding exactly what the publisher's own
/// bookkeeping says it should.
/// </summary>
[Collection(TestBroker.Collection)]
public class BillingSimulatorTests(RabbitMetricsApp app) : IClassFixture<RabbitMetricsApp>
{
    [Fact]
    public async Task a_billing_stream_is_recorded_once_per_event_in_order_with_its_invalid_messages_as_dead_letters_and_the_arr_it_expects()
    {
        var options = SimulatorOptions.Parse(
            ["--count", "300", "--seed", "1", "--customers", "30", "--events-per-day", "4", "--rate", "1000", "--queue", app.Queue],
            TestBroker.Uri, defaultSeed: 0);
        var sent = new List<OutgoingMessage>();
        using var output = new StringWriter(CultureInfo.InvariantCulture);

        var summary = await new Simulator(options, output, sent.Add).RunAsync(CancellationToken.None);

        var events = sent.Where(m => m.Kind == MessageKind.Event).ToList();
        var invalid = sent.Where(m => m.Kind == MessageKind.Invalid).ToList();
        Assert.Equal(300, sent.Count);
        Assert.Equal((300L, (long)events.Count, (string?)null), (summary.Sent, summary.Events, summary.Unpublished));
        Assert.Equal(sent.Count(m => m.Kind == MessageKind.Duplicate), summary.Duplicates);
        Assert.Equal(invalid.Count, summary.Invalid);
        Assert.True(summary.Duplicates > 0 && summary.Invalid > 0, output.ToString());
        // The stream exercises every kind of event, so that what follows checks each of them.
        var types = events.Select(m => ContractJson.Deserialize<PublishedEvent>(m.Body).GetType()).Distinct().Count();
        Assert.Equal(7, types);

        var lastEvent = events.Last(m => m.CustomerId is not null);
        await Eventually.GetAsync(app, $"/api/v1/customers/{lastEvent.CustomerId}/events",
            r => r["events"].AsArray().Any(e => e!["eventId"]!.GetValue<string>() == lastEvent.EventId));
        var deadLetters = await Eventually.GetAsync(app, "/api/v1/dead-letters", r => r["total"].GetValue<long>() >= summary.Invalid);

        Assert.Equal(summary.Invalid, deadLetters["total"].GetValue<long>());
        Assert.Equal(
            invalid.Select(m => Convert.ToBase64String(m.Body)).Order(),
            deadLetters["deadLetters"].AsArray().Select(l => l!["bodyBase64"]!.GetValue<string>()).Order());

        foreach (var customer in events.Where(m => m.CustomerId is not null).GroupBy(m => m.CustomerId!))
        {
            var recorded = (await app.GetAsync($"/api/v1/customers/{customer.Key}/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray();
            Assert.Equal(customer.Select(m => m.EventId), recorded.Select(e => e!["eventId"]!.GetValue<string>()));
        }

        var arr = (await app.GetAsync("/api/v1/arr?asOf=2199-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(summary.Arr, arr.Decimal("arr"));
        Assert.Equal(summary.ActiveCustomers, arr["activeCustomers"].GetValue<int>());
        var spend = (await app.GetAsync(FormattableString.Invariant(
            $"/api/v1/metrics/cost-of-retention?from={options.Start:yyyy-MM-dd}&to={summary.LastDay:yyyy-MM-dd}"))).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(summary.RetentionSpend, spend.Decimal("totalCost"));
    }
}
