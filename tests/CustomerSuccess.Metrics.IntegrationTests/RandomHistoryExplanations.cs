using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Published = CustomerSuccess.Metrics.IntegrationTests.RandomHistoryProperties.Published;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The histories of <see cref="RandomHistoryProperties"/> taken apart by the churn audit and the ARR and retention
/// explanations, at every knowledge step and in every segment: the churn audit's logo churn is the bridge's churn, the
/// explanations' totals are the published figures and their parts add up to them, and every entry is what a plain
/// replay of the definitions, made here without the engine's code, gives.
/// </summary>
public abstract class RandomHistoryExplanations(MetricsApp app, RandomHistoryProperties.Amounts amounts, int seed)
{
    private static readonly LocalDate FirstDay = new(2023, 1, 1);

    private static readonly string?[] Segments = [null, "smb", "mid_market", "enterprise"];

    /// <summary>Presented parts are each rounded to the cent, so their sum may miss the presented total by half a cent a part.</summary>
    private decimal Tolerance(int parts) => amounts == RandomHistoryProperties.Amounts.WholeThousands ? 0m : 0.005m * (parts + 1);

    [Fact]
    public async Task churn_and_explanations_agree_with_the_figures_and_the_definitions_at_every_knownAt_and_segment()
    {
        var random = new Random(seed);
        var steps = RandomHistoryProperties.Generate(random, amounts, customers: 40, knowledgeSteps: 5);
        var instants = new List<Instant>();
        var instant = app.Clock.GetCurrentInstant() + Duration.FromDays(1);
        foreach (var step in steps)
        {
            instant += Duration.FromDays(7);
            (await app.PostEventsAtAsync(instant, Events.Batch([.. step.Select(p => p.Json)]))).ShouldBe(HttpStatusCode.OK);
            instants.Add(instant);
        }

        app.Clock.Reset(instant + Duration.FromDays(1));
        for (var step = 0; step < steps.Count; step++)
        {
            var knownAt = InstantPattern.ExtendedIso.Format(instants[step]);
            var replay = new Replay([.. steps.Take(step + 1).SelectMany(s => s)]);
            for (var check = 0; check < 3; check++)
            {
                var from = FirstDay.PlusDays(random.Next(0, 1100));
                var to = from.PlusDays(random.Next(0, 400));
                var range = $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&knownAt={knownAt}";
                foreach (var segment in Segments)
                {
                    var query = segment is null ? range : $"{range}&segment={segment}";
                    await CheckChurnAsync(query, segment is null ? replay : null, from, to);
                    await CheckArrAsync($"asOf={to:yyyy-MM-dd}&knownAt={knownAt}" + (segment is null ? "" : $"&segment={segment}"), segment is null ? replay : null, to);
                    await CheckRetentionAsync(query);
                }
            }
        }
    }

    private async Task CheckChurnAsync(string query, Replay? replay, LocalDate from, LocalDate to)
    {
        var audit = (await app.GetAsync($"/api/v1/audit/churn?{query}")).ShouldBe(HttpStatusCode.OK);
        var bridge = (await app.GetAsync($"/api/v1/metrics/bridge?{query}")).ShouldBe(HttpStatusCode.OK);
        var entries = audit["entries"].AsArray();
        var logos = entries.Where(e => e!["kind"]!.GetValue<string>() == "logo").ToList();

        Assert.Equal(bridge["summary"]["churnArr"]!.GetValue<decimal>(), audit.Decimal("totalArrLost"));
        Assert.InRange(Math.Abs(logos.Sum(e => e!["arrLost"]!.GetValue<decimal>()) - audit.Decimal("totalArrLost")), 0m, Tolerance(logos.Count));
        if (replay is null)
        {
            return;
        }

        var expected = replay.Churns(from, to);
        Assert.Equal(
            expected.Select(e => (e.Kind, e.Customer, e.Contract, e.Date.ToString("yyyy-MM-dd", null), Money(e.ArrLost), e.ReactivatedOn?.ToString("yyyy-MM-dd", null))),
            entries.Select(e => (e!["kind"]!.GetValue<string>(), e["customerId"]!.GetValue<string>(), e["contractId"]?.GetValue<string>(),
                e["churnDate"]!.GetValue<string>(), e["arrLost"]!.GetValue<decimal>(), e["reactivatedOn"]?.GetValue<string>())));
        Assert.Equal(Money(expected.Where(e => e.Kind == "logo").Sum(e => e.ArrLost)), audit.Decimal("totalArrLost"));
        Assert.Equal(Money(expected.Where(e => e.Kind == "contract").Sum(e => e.ArrLost)), audit.Decimal("contractArrLost"));
        foreach (var (entry, churn) in entries.Zip(expected))
        {
            Assert.Equal(
                churn.History.Select(h => (h.MonthEnd.ToString("yyyy-MM-dd", null), Money(h.Arr))),
                entry!["arrHistory"]!.AsArray().Select(h => (h!["monthEnd"]!.GetValue<string>(), h["arr"]!.GetValue<decimal>())));
        }
    }

    private async Task CheckArrAsync(string query, Replay? replay, LocalDate asOf)
    {
        var explained = (await app.GetAsync($"/api/v1/explain/arr?{query}")).ShouldBe(HttpStatusCode.OK);
        var figure = (await app.GetAsync($"/api/v1/arr?{query}")).ShouldBe(HttpStatusCode.OK);
        var customers = explained["customers"].AsArray();

        Assert.Equal(figure.Decimal("arr"), explained.Decimal("arr"));
        Assert.Equal(figure["activeCustomers"].GetValue<int>(), customers.Count);
        Assert.InRange(Math.Abs(customers.Sum(c => c!["arr"]!.GetValue<decimal>()) - explained.Decimal("arr")), 0m, Tolerance(customers.Count));
        foreach (var customer in customers)
        {
            var contracts = customer!["contracts"]!.AsArray();
            Assert.InRange(Math.Abs(contracts.Sum(c => c!["arr"]!.GetValue<decimal>()) - customer["arr"]!.GetValue<decimal>()), 0m, Tolerance(contracts.Count));
        }

        if (replay is not null)
        {
            var expected = replay.ContractsAt(asOf);
            Assert.Equal(
                expected.Select(c => (c.Customer, c.Contract, Money(c.Arr))),
                customers.SelectMany(c => c!["contracts"]!.AsArray().Select(k =>
                    (c["customerId"]!.GetValue<string>(), k!["contractId"]!.GetValue<string>(), k["arr"]!.GetValue<decimal>()))));
        }
    }

    private async Task CheckRetentionAsync(string query)
    {
        var explained = (await app.GetAsync($"/api/v1/explain/retention?{query}")).ShouldBe(HttpStatusCode.OK);
        var published = (await app.GetAsync($"/api/v1/metrics/retention?{query}")).ShouldBe(HttpStatusCode.OK);
        var cohort = explained["cohort"].AsArray();
        decimal Sum(string name) => cohort.Sum(m => m![name]!.GetValue<decimal>());

        foreach (var rate in new[] { "grossRenewalRate", "netRenewalRate", "logoRetention", "logoChurnRate", "expansionRate", "contractionRate", "revenueChurnRate", "quickRatio" })
        {
            Assert.Equal(published.Body![rate]?.GetValue<decimal>(), explained.Body![rate]?.GetValue<decimal>());
        }

        Assert.Equal(published["cohortCustomers"].GetValue<int>(), cohort.Count);
        Assert.Equal(published.Decimal("openingArr"), explained.Decimal("openingArr"));
        Assert.Equal(explained["retainedCustomers"].GetValue<int>(), cohort.Count(m => m!["retained"]!.GetValue<bool>()));
        Assert.InRange(Math.Abs(Sum("openingArr") - explained.Decimal("openingArr")), 0m, Tolerance(cohort.Count));
        Assert.InRange(Math.Abs(Sum("closingArr") - explained.Decimal("closingArr")), 0m, Tolerance(cohort.Count));
        Assert.InRange(Math.Abs(Sum("grossArr") - explained.Decimal("grossArr")), 0m, Tolerance(cohort.Count));
        if (cohort.Count > 0 && amounts == RandomHistoryProperties.Amounts.WholeThousands)
        {
            Assert.Equal(published.Decimal("grossRenewalRate"), Math.Round(Sum("grossArr") / Sum("openingArr"), 6, MidpointRounding.ToEven));
            Assert.Equal(published.Decimal("netRenewalRate"), Math.Round(Sum("closingArr") / Sum("openingArr"), 6, MidpointRounding.ToEven));
        }
    }

    private static decimal Money(decimal amount) => Math.Round(amount, 2, MidpointRounding.ToEven);

    private sealed record Churn(string Kind, string Customer, string? Contract, LocalDate Date, decimal ArrLost, LocalDate? ReactivatedOn,
        IReadOnlyList<(LocalDate MonthEnd, decimal Arr)> History);

    private sealed record Day(LocalDate Date, IReadOnlyDictionary<string, decimal> Before, IReadOnlyDictionary<string, decimal> After, IReadOnlyList<Published> Events)
    {
        public decimal ArrBefore => Before.Values.Sum();

        public decimal ArrAfter => After.Values.Sum();
    }

    /// <summary>Each customer's contracts day by day, from the events known and not voided, in effective then publishing order.</summary>
    private sealed class Replay
    {
        private readonly SortedDictionary<string, List<Day>> _days = new(StringComparer.Ordinal);

        public Replay(IReadOnlyList<Published> known)
        {
            var voided = known.Where(p => p.Voids is not null).Select(p => p.Voids!).ToHashSet();
            var effective = known.Select((p, i) => (p, i)).Where(x => x.p.Contract is not null && !voided.Contains(x.p.EventId))
                .OrderBy(x => x.p.Date).ThenBy(x => x.i).Select(x => x.p);
            foreach (var customer in effective.GroupBy(p => p.Customer))
            {
                var contracts = new Dictionary<string, decimal>();
                var days = new List<Day>();
                foreach (var day in customer.GroupBy(p => p.Date))
                {
                    var before = new Dictionary<string, decimal>(contracts);
                    foreach (var p in day)
                    {
                        contracts[p.Contract!] = p.Kind switch
                        {
                            "open" or "renew" => p.Amount,
                            "up" => contracts[p.Contract!] + p.Amount,
                            "down" => contracts[p.Contract!] - p.Amount,
                            _ => 0m,
                        };
                    }

                    days.Add(new Day(day.Key, before, new Dictionary<string, decimal>(contracts), [.. day]));
                }

                _days[customer.Key] = days;
            }
        }

        private static decimal ArrAt(List<Day> days, LocalDate date) => days.LastOrDefault(d => d.Date <= date)?.ArrAfter ?? 0m;

        /// <summary>Logo churns (b > 0, a = 0) and contracts churned on a day that leaves the customer ARR, by date, customer, logo first.</summary>
        public List<Churn> Churns(LocalDate from, LocalDate to)
        {
            var churns = new List<(Churn Churn, int Order)>();
            foreach (var (customer, days) in _days)
            {
                foreach (var day in days.Where(d => d.Date >= from && d.Date <= to))
                {
                    var firstOfMonth = day.Date.With(DateAdjusters.StartOfMonth);
                    var history = Enumerable.Range(1, 12).Reverse().Select(m => firstOfMonth.PlusMonths(1 - m).PlusDays(-1))
                        .Select(monthEnd => (monthEnd, ArrAt(days, monthEnd))).ToList();
                    if (day.ArrBefore > 0m && day.ArrAfter == 0m)
                    {
                        var back = days.FirstOrDefault(d => d.Date > day.Date && d.ArrAfter > 0m)?.Date;
                        churns.Add((new Churn("logo", customer, null, day.Date, day.ArrBefore, back, history), 0));
                    }
                    else if (day.ArrAfter > 0m)
                    {
                        churns.AddRange(day.Events.Where(p => p.Kind == "churn").Select((p, i) =>
                            (new Churn("contract", customer, p.Contract, day.Date, day.Before.GetValueOrDefault(p.Contract!), null, history), 1 + i)));
                    }
                }
            }

            return
            [
                .. churns.OrderBy(c => c.Churn.Date).ThenBy(c => c.Churn.Customer, StringComparer.Ordinal).ThenBy(c => c.Order).Select(c => c.Churn),
            ];
        }

        /// <summary>Every contract with ARR at the end of the day, by customer id; within a customer, by opening day then contract id.</summary>
        public List<(string Customer, string Contract, decimal Arr)> ContractsAt(LocalDate asOf)
        {
            var contracts = new List<(string, string, decimal)>();
            foreach (var (customer, days) in _days)
            {
                var until = days.Where(d => d.Date <= asOf).ToList();
                if (until.Count == 0)
                {
                    continue;
                }

                var opened = until.SelectMany(d => d.Events.Where(p => p.Kind == "open").Select(p => (p.Contract!, d.Date))).ToList();
                contracts.AddRange(until[^1].After.Where(c => c.Value > 0m)
                    .OrderBy(c => opened.Last(o => o.Item1 == c.Key).Date).ThenBy(c => c.Key, StringComparer.Ordinal)
                    .Select(c => (customer, c.Key, c.Value)));
            }

            return contracts;
        }
    }
}
