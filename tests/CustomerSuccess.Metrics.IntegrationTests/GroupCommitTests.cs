using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Recording;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Batches committed together in one transaction keep every guarantee a batch committed alone has.</summary>
public class GroupCommitTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static IReadOnlyList<IPublishedEvent> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var parsed = EventParser.Parse(document.RootElement);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        return parsed.Events;
    }

    private async Task<decimal> ArrOf(string customer, string? knownAt = null) =>
        (await app.GetAsync($"/api/v1/customers/{customer}?asOf=2030-01-01" + (knownAt is null ? "" : $"&knownAt={knownAt}")))
        .ShouldBe(HttpStatusCode.OK).Decimal("arr");

    [Fact]
    public async Task a_refused_batch_in_a_commit_leaves_the_others_as_if_it_had_never_been_sent()
    {
        var recorder = app.Services.GetRequiredService<RecordEvents>();
        var batches = new[]
        {
            Parse(Signed("grp-1", "grp-a", "grp-a-c1", "2024-01-15", 10_000)),
            // Refused as a whole: the signing in it must not be seen by the batches after it.
            Parse(Batch(Signed("grp-2", "grp-b", "grp-b-c1", "2024-01-15", 5_000), Upsold("grp-3", "grp-b", "grp-b-none", "2024-02-01", 100))),
            Parse(Upsold("grp-4", "grp-a", "grp-a-c1", "2024-03-01", 2_000)),
            Parse(Signed("grp-1", "grp-a", "grp-a-c1", "2024-01-15", 10_000)),
            Parse(Upsold("grp-5", "grp-b", "grp-b-c1", "2024-03-01", 100)),
            Parse(Batch(Signed("grp-6", "grp-c", "grp-c-c1", "2024-01-15", 7_000), Signed("grp-2", "grp-c", "grp-c-c2", "2024-01-15", 5_000))),
        };

        var outcomes = await recorder.HandleAllAsync(batches, Sender.Bus, CancellationToken.None);

        Assert.Equal(batches.Length, outcomes.Count);
        Assert.Equal(["appended"], outcomes[0].Results.Select(r => r.Status));
        Assert.Equal("grp-3", outcomes[1].Refusal?.EventId);
        Assert.Equal(["appended"], outcomes[2].Results.Select(r => r.Status));
        Assert.Equal(["duplicate"], outcomes[3].Results.Select(r => r.Status));
        Assert.Null(outcomes[3].RecordedAt);
        Assert.Equal("grp-5", outcomes[4].Refusal?.EventId);
        Assert.Equal(["appended", "appended"], outcomes[5].Results.Select(r => r.Status));

        var first = outcomes[0].RecordedAt!.Value;
        var second = outcomes[2].RecordedAt!.Value;
        var third = outcomes[5].RecordedAt!.Value;
        Assert.True(first < second && second < third, $"{first} {second} {third}");

        Assert.Equal(12_000m, await ArrOf("grp-a"));
        Assert.Equal(10_000m, await ArrOf("grp-a", InstantPattern.ExtendedIso.Format(first)));
        Assert.Equal(12_000m, await ArrOf("grp-a", InstantPattern.ExtendedIso.Format(second)));
        (await app.GetAsync("/api/v1/customers/grp-b")).ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(12_000m, await ArrOf("grp-c"));
        (await app.GetAsync($"/api/v1/customers/grp-c?knownAt={InstantPattern.ExtendedIso.Format(second)}")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task batches_committed_together_are_numbered_by_the_store_in_recorded_order()
    {
        var recorder = app.Services.GetRequiredService<RecordEvents>();
        (await app.PostEventsAsync(Signed("seq-0", "seq-old", "seq-old-c1", "2024-01-15", 1_000))).ShouldBe(HttpStatusCode.OK);

        // A new customer, then one already stored, then the new one again: the store numbers a commit's events
        // customer by customer, which would put the third batch's event before the second's.
        var outcomes = await recorder.HandleAllAsync(
        [
            Parse(Signed("seq-1", "seq-new", "seq-new-c1", "2024-01-15", 2_000)),
            Parse(Upsold("seq-2", "seq-old", "seq-old-c1", "2024-02-01", 100)),
            Parse(Batch(Upsold("seq-3", "seq-new", "seq-new-c1", "2024-02-01", 200), Signed("seq-4", "seq-other", "seq-other-c1", "2024-01-15", 300))),
            Parse(Upsold("seq-5", "seq-other", "seq-other-c1", "2024-02-01", 400)),
        ], Sender.Bus, CancellationToken.None);

        var recordedAt = outcomes.Select(o => o.RecordedAt!.Value).ToList();
        Assert.Equal(recordedAt.Order(), recordedAt);
        Assert.Equal(recordedAt.Count, recordedAt.Distinct().Count());

        var stored = new List<(string EventId, Instant At)>();
        await using (var connection = new NpgsqlConnection(TestDatabase.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"select data ->> 'eventId', timestamp from {app.Schema}.mt_events where data ->> 'eventId' like 'seq-%' order by seq_id", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add((reader.GetString(0), Instant.FromDateTimeUtc(reader.GetDateTime(1))));
            }
        }

        Assert.Equal(["seq-0", "seq-1", "seq-2", "seq-3", "seq-4", "seq-5"], stored.Select(s => s.EventId));
        Assert.Equal(recordedAt, stored.Skip(1).Select(s => s.At).Distinct());
    }

    [Fact]
    public async Task many_concurrent_single_event_writers_lose_nothing_double_nothing_and_read_their_writes()
    {
        const int writers = 24;
        const int upsells = 6;
        var recordedAt = new ConcurrentBag<Instant>();

        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            var customer = $"gc-{w}";
            var events = new List<(string Json, decimal ArrAfter)> { (Signed($"{customer}-0", customer, $"{customer}-c1", "2024-01-01", 1_000), 1_000) };
            events.AddRange(Enumerable.Range(1, upsells)
                .Select(i => (Upsold($"{customer}-{i}", customer, $"{customer}-c1", $"2024-02-{i:00}", i), 1_000m + Enumerable.Range(1, i).Sum())));

            foreach (var (json, arrAfter) in events)
            {
                var reply = (await app.PostEventsAsync(json)).ShouldBe(HttpStatusCode.OK);
                var at = InstantPattern.ExtendedIso.Parse(reply["recordedAt"].GetValue<string>()).Value;
                recordedAt.Add(at);
                Assert.Equal(arrAfter, await ArrOf(customer, InstantPattern.ExtendedIso.Format(at)));

                // A resend in the middle of other writers' commits is a duplicate and changes nothing.
                var resend = (await app.PostEventsAsync(json)).ShouldBe(HttpStatusCode.OK);
                Assert.Equal("duplicate", resend["results"][0]!["status"]!.GetValue<string>());
            }
        }));

        Assert.Equal(writers * (upsells + 1), recordedAt.Distinct().Count());
        // Each request's instant is listed with its own event and customer, however the requests were grouped.
        var instants = (await app.GetAsync("/api/v1/knowledge?limit=10000")).ShouldBe(HttpStatusCode.OK)["instants"].AsArray();
        var listed = instants.ToDictionary(i => InstantPattern.ExtendedIso.Parse(i!["recordedAt"]!.GetValue<string>()).Value);
        Assert.All(recordedAt, at =>
        {
            Assert.Equal(1, listed[at]!["events"]!.GetValue<int>());
            Assert.Equal(1, listed[at]!["customers"]!.GetValue<int>());
        });
        foreach (var w in Enumerable.Range(0, writers))
        {
            var history = (await app.GetAsync($"/api/v1/customers/gc-{w}/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray();
            Assert.Equal(upsells + 1, history.Count);
            Assert.Equal(1_000m + Enumerable.Range(1, upsells).Sum(), await ArrOf($"gc-{w}"));
        }

        // Rebuilt from the log in pages that cut through commits holding many requests, the read models come out the same.
        var knownAt = InstantPattern.ExtendedIso.Format(recordedAt.Max());
        var before = await ReadModelAnswersAsync(knownAt);
        await app.RunHostCommandAsync("projections", "rebuild");
        Assert.Equal(before, await ReadModelAnswersAsync(knownAt));
    }

    private async Task<string> ReadModelAnswersAsync(string knownAt) => string.Join("\n",
        (await app.GetAsync($"/api/v1/knowledge?limit=10000&to={knownAt}")).ShouldBe(HttpStatusCode.OK).Text,
        (await app.GetAsync($"/api/v1/customers?asOf=2024-12-31&knownAt={knownAt}")).ShouldBe(HttpStatusCode.OK).Text,
        (await app.GetAsync($"/api/v1/metrics/bridge?from=2024-01-01&to=2024-12-31&interval=month&knownAt={knownAt}")).ShouldBe(HttpStatusCode.OK).Text);
}
