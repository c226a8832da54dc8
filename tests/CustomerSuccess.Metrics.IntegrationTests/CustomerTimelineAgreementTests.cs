using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Published = CustomerSuccess.Metrics.IntegrationTests.RandomHistoryProperties.Published;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The timelines of random histories (<see cref="RandomHistoryProperties.Generate"/>, with backdated upsells and voids)
/// at every knowledge step: the ARR after the last day on or before a date is what the customer endpoint gives for that
/// date, the days with a movement are the customer's movements in the audit, every revision is the instant a void or
/// backdated event was published, and what it says a day was before and after is what the timeline said then.
/// </summary>
public class CustomerTimelineAgreementTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static readonly LocalDate FirstDay = new(2023, 1, 1);

    private static string At(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    [Fact]
    public async Task each_customers_timeline_agrees_with_its_arr_its_movements_and_what_it_said_before()
    {
        var random = new Random(20250611);
        var steps = RandomHistoryProperties.Generate(random, RandomHistoryProperties.Amounts.EveryForm, customers: 16, knowledgeSteps: 5)
            .Where(s => s.Count > 0).ToList();
        var instants = new List<Instant>();
        var instant = app.Clock.GetCurrentInstant() + Duration.FromDays(1);
        foreach (var step in steps)
        {
            instant += Duration.FromDays(7);
            (await app.PostEventsAtAsync(instant, Events.Batch([.. step.Select(p => p.Json)]))).ShouldBe(HttpStatusCode.OK);
            instants.Add(instant);
        }

        app.Clock.Reset(instant + Duration.FromDays(1));
        var revised = 0;
        foreach (var customer in steps.SelectMany(s => s).Select(p => p.Customer).Distinct())
        {
            for (var step = 0; step < steps.Count; step++)
            {
                var knownAt = At(instants[step]);
                var reply = await app.GetAsync($"/api/v1/customers/{customer}/timeline?knownAt={knownAt}");
                if (!steps.Take(step + 1).Any(s => s.Any(p => p.Customer == customer)))
                {
                    reply.ShouldBe(HttpStatusCode.NotFound);
                    continue;
                }

                var days = reply.ShouldBe(HttpStatusCode.OK)["days"].AsArray().Select(d => d!).ToList();
                await CheckArrAsync(customer, knownAt, days, random);
                await CheckMovementsAsync(customer, knownAt, days);

                var revisions = reply["revisions"].AsArray().Select(r => r!).ToList();
                Assert.Equal(ExpectedRevisions(steps, customer, step, instants), revisions.Select(r => (r["recordedAt"]!.GetValue<string>(),
                    string.Join(" ", r["eventIds"]!.AsArray().Select(e => e!.GetValue<string>())))));
                if (step == steps.Count - 1)
                {
                    foreach (var revision in revisions)
                    {
                        var at = instants.FindIndex(i => At(i) == revision["recordedAt"]!.GetValue<string>());
                        await CheckRevisionAsync(customer, revision, At(instants[at - 1]), At(instants[at]));
                        revised++;
                    }
                }
            }
        }

        Assert.True(revised > 0, "the random histories hold a backdated event or a void");
    }

    /// <summary>The ARR after the last day on or before a date is the customer's ARR that day, at each day and at random dates.</summary>
    private async Task CheckArrAsync(string customer, string knownAt, List<JsonNode> days, Random random)
    {
        var dates = days.Select(d => LocalDatePattern.Iso.Parse(d["date"]!.GetValue<string>()).Value)
            .Concat(Enumerable.Range(0, 3).Select(_ => FirstDay.PlusDays(random.Next(-30, 1200))));
        foreach (var asOf in dates)
        {
            var expected = days.LastOrDefault(d => LocalDatePattern.Iso.Parse(d["date"]!.GetValue<string>()).Value <= asOf)?["arrAfter"]!.GetValue<decimal>() ?? 0m;
            var own = (await app.GetAsync($"/api/v1/customers/{customer}?asOf={asOf:yyyy-MM-dd}&knownAt={knownAt}")).ShouldBe(HttpStatusCode.OK);
            Assert.True(expected == own.Decimal("arr"), $"{customer} as of {asOf:yyyy-MM-dd} known at {knownAt}: timeline {expected}, customer {own.Decimal("arr")}");
        }
    }

    /// <summary>The days with a movement are the customer's movements in the audit, each of the amount the ARR around the day gives.</summary>
    private async Task CheckMovementsAsync(string customer, string knownAt, List<JsonNode> days)
    {
        var audit = (await app.GetAsync($"/api/v1/audit/movements?from=1970-01-01&to=2199-12-31&customerId={customer}&knownAt={knownAt}"))
            .ShouldBe(HttpStatusCode.OK)["movements"].AsArray().Select(m => m!).ToList();
        var moved = days.Where(d => d["kind"] is not null).ToList();

        Assert.Equal(
            audit.Select(m => (m["date"]!.GetValue<string>(), m["kind"]!.GetValue<string>())),
            moved.Select(d => (d["date"]!.GetValue<string>(), d["kind"]!.GetValue<string>())));
        foreach (var (movement, day) in audit.Zip(moved))
        {
            var (before, after) = (day["arrBefore"]!.GetValue<decimal>(), day["arrAfter"]!.GetValue<decimal>());
            var amount = day["kind"]!.GetValue<string>() switch
            {
                "new" or "reactivation" => after,
                "churn" => before,
                _ => Math.Abs(after - before),
            };
            // Each is rounded to the cent on its own: a difference of two may miss the rounded difference by a cent.
            Assert.InRange(Math.Abs(movement["amount"]!.GetValue<decimal>() - amount), 0m, 0.01m);
            Assert.Equal(string.Join(" ", day["events"]!.AsArray().Where(e => !e!["voided"]!.GetValue<bool>()).Select(e => e!["eventId"]!.GetValue<string>())),
                string.Join(" ", movement["eventIds"]!.AsArray().Select(e => e!.GetValue<string>())));
        }
    }

    /// <summary>Each change says what the timeline said of its day just before the revision, and says from it on.</summary>
    private async Task CheckRevisionAsync(string customer, JsonNode revision, string before, string after)
    {
        var then = (await app.GetAsync($"/api/v1/customers/{customer}/timeline?knownAt={before}")).ShouldBe(HttpStatusCode.OK)["days"].AsArray();
        var now = (await app.GetAsync($"/api/v1/customers/{customer}/timeline?knownAt={after}")).ShouldBe(HttpStatusCode.OK)["days"].AsArray();
        Assert.NotEmpty(then);
        foreach (var change in revision["changes"]!.AsArray())
        {
            var date = change!["date"]!.GetValue<string>();
            Assert.Equal(Figures(now.Single(d => d!["date"]!.GetValue<string>() == date)!), Figures(change["after"]!));
            var old = then.SingleOrDefault(d => d!["date"]!.GetValue<string>() == date);
            if (old is not null)
            {
                Assert.Equal(Figures(old), Figures(change["before"]!));
                continue;
            }

            var arr = (await app.GetAsync($"/api/v1/customers/{customer}?asOf={date}&knownAt={before}")).ShouldBe(HttpStatusCode.OK).Decimal("arr");
            Assert.Equal((arr, arr, (string?)null), Figures(change["before"]!));
        }
    }

    private static (decimal, decimal, string?) Figures(JsonNode figures) =>
        (figures["arrBefore"]!.GetValue<decimal>(), figures["arrAfter"]!.GetValue<decimal>(), figures["kind"]?.GetValue<string>());

    /// <summary>
    /// Straight from what was published: each step up to <paramref name="upTo"/> in which the customer's past changed, with
    /// the voids and the events dated before the latest date published for the customer in earlier steps, in publishing order.
    /// </summary>
    private static List<(string, string)> ExpectedRevisions(List<List<Published>> steps, string customer, int upTo, List<Instant> instants)
    {
        var expected = new List<(string, string)>();
        LocalDate? latest = null;
        for (var step = 0; step <= upTo; step++)
        {
            var own = steps[step].Where(p => p.Customer == customer).ToList();
            var causes = own.Where(p => p.Voids is not null || (latest is { } last && p.Date < last)).Select(p => p.EventId).ToList();
            if (latest is not null && causes.Count > 0)
            {
                expected.Add((At(instants[step]), string.Join(" ", causes)));
            }

            foreach (var p in own.Where(p => p.Voids is null))
            {
                latest = latest is { } known && known > p.Date ? known : p.Date;
            }
        }

        return expected;
    }
}
