using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// Random histories of contracts and signals, sent in three batches with voids and backdated signals between them. At
/// each knowledge instant, NPS, CSAT and every customer's health score and band are held against a plain computation here
/// from the events sent, written from the definitions in docs/metrics.md rather than taken from the engine.
/// </summary>
public class RandomSignalHistoryTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private const int Customers = 6;
    private static readonly string[] Factors = ["champion_left", "low_usage", "budget_cut"];
    private static readonly string[] Severities = ["low", "medium", "high"];
    private static readonly string[] Kinds = ["qbr", "training", "onboarding_session", "check_in", "webinar", "escalation"];
    private static readonly string[] TouchModels = ["high", "low", "tech"];
    private static readonly LocalDate First = new(2024, 1, 1);

    /// <summary>A signal as sent: its fields, when it was recorded, its place in the log, and when a void of it was recorded.</summary>
    private sealed record Sent(string Id, string Type, int Customer, LocalDate Date, int Seq, int Batch)
    {
        public string Respondent { get; init; } = "";
        public int Score { get; init; }
        public string Scale { get; init; } = "";
        public int Seats { get; init; }
        public int Active { get; init; }
        public string Label { get; init; } = "";
        public string Severity { get; init; } = "";
        public string Csm { get; init; } = "";
        public int? VoidedIn { get; set; }

        /// <summary>Whether it is known once the batch <paramref name="batch"/> is recorded.</summary>
        public bool KnownAfter(int batch) => Batch <= batch && (VoidedIn is not { } v || v > batch);
    }

    /// <summary>A customer's one contract: signed, perhaps downsold, perhaps churned; ARR in whole units.</summary>
    private sealed record Contract(int Customer, LocalDate Signed, decimal Arr, LocalDate? DownsoldOn, decimal Decrease, LocalDate? ChurnedOn)
    {
        public decimal ArrOn(LocalDate d) =>
            d < Signed || (ChurnedOn is { } c && d >= c) ? 0m : Arr - (DownsoldOn is { } t && d >= t ? Decrease : 0m);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(23)]
    [InlineData(47)]
    public async Task nps_csat_and_health_match_a_plain_computation_at_every_knowledge_instant(int seed)
    {
        var random = new Random(seed);
        var prefix = $"rs{seed}";
        var contracts = Enumerable.Range(0, Customers).Select(c => NewContract(random, c)).ToList();
        var sent = new List<Sent>();
        var instants = new List<Instant>();
        for (var batch = 0; batch < 3; batch++)
        {
            var json = new List<string>();
            if (batch == 0)
            {
                json.AddRange(contracts.SelectMany(c => ContractEvents(prefix, c, random)));
            }

            foreach (var target in sent.Where(s => s.VoidedIn is null).OrderBy(_ => random.Next()).Take(batch == 0 ? 0 : 3).ToList())
            {
                target.VoidedIn = batch;
                json.Add(Events.Voided($"{target.Id}-void", target.Id));
            }

            for (var i = 0; i < (batch == 0 ? 40 : 20); i++)
            {
                var s = NewSignal(random, $"{prefix}-{batch}-{i}", sent.Count, batch);
                sent.Add(s);
                json.Add(Json(prefix, s));
            }

            // The histories of several seeds share one store: each batch's own recorded instant is its knowledge instant.
            var recorded = (await app.PostEventsAsync(Events.Batch([.. json]))).ShouldBe(HttpStatusCode.OK);
            instants.Add(InstantPattern.ExtendedIso.Parse(recorded["recordedAt"].GetValue<string>()).Value);
        }

        foreach (var (k, batch) in instants.Select((k, b) => (k, b)))
        {
            var knownAt = InstantPattern.ExtendedIso.Format(k);
            var known = sent.Where(s => s.KnownAfter(batch)).ToList();
            foreach (var (from, to) in new[] { (new LocalDate(2024, 7, 1), new LocalDate(2024, 12, 31)), (new LocalDate(2025, 1, 1), new LocalDate(2025, 6, 30)) })
            {
                var nps = (await app.GetAsync($"/api/v1/signals/nps?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&knownAt={knownAt}&csm={prefix}-dana"))
                    .ShouldBe(HttpStatusCode.OK);
                Assert.Equal(PlainNps(known, contracts, from, to, prefix), (nps["responses"].GetValue<int>(), nps.Body!["nps"]?.GetValue<decimal>()));

                var csat = (await app.GetAsync($"/api/v1/signals/csat?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&knownAt={knownAt}&csm={prefix}-dana"))
                    .ShouldBe(HttpStatusCode.OK);
                Assert.Equal(PlainCsat(known, contracts, from, to, prefix),
                    (csat["responses"].GetValue<int>(), csat.Body!["csat"]?.GetValue<decimal>(), csat.Body!["meanScore"]?.GetValue<decimal>()));
            }

            foreach (var asOf in new[] { new LocalDate(2025, 3, 31), new LocalDate(2025, 6, 30) })
            {
                var scores = (await app.GetAsync($"/api/v1/health-scores?asOf={asOf:yyyy-MM-dd}&knownAt={knownAt}&limit=10000")).ShouldBe(HttpStatusCode.OK);
                var listed = scores["customers"].AsArray()
                    .Where(c => c!["customerId"]!.GetValue<string>().StartsWith(prefix + "-", StringComparison.Ordinal))
                    .ToDictionary(c => c!["customerId"]!.GetValue<string>(), c => (c!["score"]!.GetValue<decimal>(), c["band"]!.GetValue<string>()));
                var active = contracts.Where(c => c.ArrOn(asOf) > 0m).Select(c => CustomerId(prefix, c.Customer)).Order(StringComparer.Ordinal);
                Assert.Equal(active, listed.Keys.Order(StringComparer.Ordinal));
                foreach (var contract in contracts)
                {
                    var expected = PlainHealth(known, contract, asOf);
                    var one = (await app.GetAsync($"/api/v1/customers/{CustomerId(prefix, contract.Customer)}/health?asOf={asOf:yyyy-MM-dd}&knownAt={knownAt}"))
                        .ShouldBe(HttpStatusCode.OK);
                    var where = $"seed {seed}, {CustomerId(prefix, contract.Customer)} on {asOf} known at {knownAt}: {one.Text}";
                    Assert.True(Math.Abs(one.Decimal("score") - expected) <= 0.01m, $"expected {expected}; {where}");
                    if (Math.Abs(expected - 70m) > 0.001m && Math.Abs(expected - 40m) > 0.001m)
                    {
                        Assert.True(Band(expected) == one["band"].GetValue<string>(), $"expected {Band(expected)}; {where}");
                    }

                    if (listed.TryGetValue(CustomerId(prefix, contract.Customer), out var item))
                    {
                        Assert.Equal((one.Decimal("score"), one["band"].GetValue<string>()), item);
                    }
                }
            }
        }
    }

    private static (int, decimal?, decimal?) PlainCsat(IReadOnlyList<Sent> known, IReadOnlyList<Contract> contracts, LocalDate from, LocalDate to, string prefix)
    {
        var answers = known.Where(s => s.Type == "survey.csat_answered" && s.Date >= from && s.Date <= to
                && Csm(known, contracts[s.Customer], to, prefix) == $"{prefix}-dana")
            .ToList();
        if (answers.Count == 0)
        {
            return (0, null, null);
        }

        var satisfied = answers.Count(s => s.Scale == "1-5" ? s.Score >= 4 : s.Score >= 80);
        var mean = answers.Sum(s => s.Scale == "1-5" ? (s.Score - 1) * 100m / 4m : (s.Score - 1) * 100m / 99m) / answers.Count;
        return (answers.Count, Math.Round(satisfied * 100m / answers.Count, 2, MidpointRounding.ToEven), Math.Round(mean, 2, MidpointRounding.ToEven));
    }

    private static string Band(decimal score) => score >= 70m ? "green" : score >= 40m ? "yellow" : "red";

    private static string CustomerId(string prefix, int customer) => $"{prefix}-c{customer}";

    private static LocalDate RandomDate(Random random) => First.PlusDays(random.Next(0, 547));

    private static Contract NewContract(Random random, int customer)
    {
        var signed = First.PlusDays(random.Next(0, 300));
        var arr = 12m * random.Next(100, 5_000);
        LocalDate? downsold = random.Next(2) == 0 ? signed.PlusDays(random.Next(1, 400)) : null;
        LocalDate? churned = random.Next(4) == 0 ? signed.PlusDays(random.Next(200, 500)) : null;
        if (downsold is { } d && churned is { } c && d >= c)
        {
            downsold = null;
        }

        return new Contract(customer, signed, arr, downsold, downsold is null ? 0m : 12m * random.Next(1, 50), churned);
    }

    private static IEnumerable<string> ContractEvents(string prefix, Contract c, Random random)
    {
        var id = CustomerId(prefix, c.Customer);
        var months = random.Next(1, 121);
        // ARR as arr, or as a recurring amount over 1 to 120 months that normalises to exactly the same ARR.
        var arr = random.Next(2) == 0 || c.Arr * months % 12m != 0m
            ? $"\"arr\":{c.Arr.ToString(CultureInfo.InvariantCulture)}"
            : $"\"recurringAmount\":{(c.Arr * months / 12m).ToString(CultureInfo.InvariantCulture)},\"periodMonths\":{months}";
        yield return $$$"""{"eventId":"{{{id}}}-s","type":"contract.signed","customerId":"{{{id}}}","contractId":"{{{id}}}-1","effectiveDate":"{{{c.Signed:yyyy-MM-dd}}}",{{{arr}}},"termEndDate":"2027-12-31","customer":{"segment":"smb","csm":"{{{prefix}}}-dana"}}""";
        if (c.DownsoldOn is { } d)
        {
            yield return Events.Downsold($"{id}-d", id, $"{id}-1", d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Decrease);
        }

        if (c.ChurnedOn is { } churned)
        {
            yield return Events.Churned($"{id}-x", id, $"{id}-1", churned.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
    }

    private static Sent NewSignal(Random random, string id, int seq, int at)
    {
        var customer = random.Next(Customers);
        var date = RandomDate(random);
        return random.Next(7) switch
        {
            0 or 1 => new Sent(id, "survey.nps_answered", customer, date, seq, at) { Respondent = $"r{random.Next(3)}", Score = random.Next(0, 11) },
            2 => random.Next(2) == 0
                ? new Sent(id, "survey.csat_answered", customer, date, seq, at) { Respondent = "r0", Score = random.Next(1, 6), Scale = "1-5" }
                : new Sent(id, "survey.csat_answered", customer, date, seq, at) { Respondent = "r1", Score = random.Next(1, 101), Scale = "1-100" },
            3 => new Sent(id, "usage.reported", customer, date, seq, at) { Seats = random.Next(1, 200) } is var u ? u with { Active = random.Next(0, u.Seats * 5 / 4 + 1) } : null!,
            4 => new Sent(id, "engagement.recorded", customer, date, seq, at) { Label = Kinds[random.Next(Kinds.Length)] },
            5 => random.Next(3) == 0
                ? new Sent(id, "risk.cleared", customer, date, seq, at) { Label = Factors[random.Next(Factors.Length)] }
                : new Sent(id, "risk.flagged", customer, date, seq, at) { Label = Factors[random.Next(Factors.Length)], Severity = Severities[random.Next(3)] },
            _ => new Sent(id, "customer.assigned", customer, date, seq, at) { Csm = random.Next(2) == 0 ? "dana" : "lee", Label = TouchModels[random.Next(3)] },
        };
    }

    private static string Json(string prefix, Sent s)
    {
        var head = $$"""{"eventId":"{{s.Id}}","type":"{{s.Type}}","customerId":"{{CustomerId(prefix, s.Customer)}}","effectiveDate":"{{s.Date:yyyy-MM-dd}}",""";
        return head + s.Type switch
        {
            "survey.nps_answered" => $$"""
                "respondentId":"{{s.Respondent}}","score":{{s.Score}}}
                """,
            "survey.csat_answered" => $$"""
                "respondentId":"{{s.Respondent}}","score":{{s.Score}},"scale":"{{s.Scale}}"}
                """,
            "usage.reported" => $$"""
                "licensedSeats":{{s.Seats}},"activeUsers":{{s.Active}}}
                """,
            "engagement.recorded" => $$"""
                "kind":"{{s.Label}}"}
                """,
            "risk.flagged" => $$"""
                "factor":"{{s.Label}}","severity":"{{s.Severity}}"}
                """,
            "risk.cleared" => $$"""
                "factor":"{{s.Label}}"}
                """,
            _ => $$"""
                "csm":"{{prefix}}-{{s.Csm}}","touchModel":"{{s.Label}}"}
                """,
        };
    }

    /// <summary>The owner at the end of the period: the latest assignment, else the CSM sent at signing; on one day the assignment wins.</summary>
    private static string? Csm(IReadOnlyList<Sent> known, Contract c, LocalDate on, string prefix)
    {
        var assigned = known.Where(s => s.Customer == c.Customer && s.Type == "customer.assigned" && s.Date <= on)
            .OrderBy(s => s.Date).ThenBy(s => s.Seq).LastOrDefault();
        return assigned is not null && (c.Signed > on || assigned.Date >= c.Signed) ? $"{prefix}-{assigned.Csm}"
            : c.Signed <= on ? $"{prefix}-dana"
            : null;
    }

    private static (int, decimal?) PlainNps(IReadOnlyList<Sent> known, IReadOnlyList<Contract> contracts, LocalDate from, LocalDate to, string prefix)
    {
        var latest = known.Where(s => s.Type == "survey.nps_answered" && s.Date >= from && s.Date <= to
                && Csm(known, contracts[s.Customer], to, prefix) == $"{prefix}-dana")
            .GroupBy(s => (s.Customer, s.Respondent))
            .Select(g => g.OrderBy(s => s.Date).ThenBy(s => s.Seq).Last().Score)
            .ToList();
        return latest.Count == 0
            ? (0, null)
            : (latest.Count, Math.Round((latest.Count(s => s >= 9) - latest.Count(s => s <= 6)) * 100m / latest.Count, 2, MidpointRounding.ToEven));
    }

    /// <summary>The health score of docs/metrics.md with the default configuration.</summary>
    private static decimal PlainHealth(IReadOnlyList<Sent> known, Contract c, LocalDate asOf)
    {
        var mine = known.Where(s => s.Customer == c.Customer && s.Date <= asOf).OrderBy(s => s.Date).ThenBy(s => s.Seq).ToList();
        var parts = new List<(decimal Weight, decimal Score)>();

        var usage = mine.LastOrDefault(s => s.Type == "usage.reported" && s.Date >= asOf.PlusDays(-90));
        if (usage is not null)
        {
            parts.Add((30m, Math.Min(1m, (decimal)usage.Active / usage.Seats / 0.8m) * 100m));
        }

        var touchModel = mine.LastOrDefault(s => s.Type == "customer.assigned")?.Label;
        var cadence = touchModel switch { "high" => 30, "low" => 90, "tech" => 180, _ => 90 };
        var touched = mine.LastOrDefault(s => s.Type == "engagement.recorded");
        var days = touched is null ? int.MaxValue : Period.Between(touched.Date, asOf, PeriodUnits.Days).Days;
        parts.Add((20m, days <= cadence ? 100m : Math.Max(0m, (2m * cadence - days) * 100m / cadence)));

        var windowStart = asOf.PlusDays(-179);
        var answers = mine.Where(s => s.Type == "survey.nps_answered" && s.Date >= windowStart)
            .GroupBy(s => s.Respondent).Select(g => g.Last().Score * 10m)
            .Concat(mine.Where(s => s.Type == "survey.csat_answered" && s.Date >= windowStart)
                .Select(s => s.Scale == "1-5" ? (s.Score - 1) * 100m / 4m : (s.Score - 1) * 100m / 99m))
            .ToList();
        if (answers.Count > 0)
        {
            parts.Add((20m, answers.Sum() / answers.Count));
        }

        var open = mine.Where(s => s.Type is "risk.flagged" or "risk.cleared").GroupBy(s => s.Label)
            .Select(g => g.Last()).Where(s => s.Type == "risk.flagged")
            .Sum(s => s.Severity switch { "high" => 50m, "medium" => 25m, _ => 10m });
        parts.Add((15m, Math.Max(0m, 100m - open)));

        var before = c.ArrOn(asOf.PlusDays(-90));
        if (before > 0m)
        {
            var ratio = c.ArrOn(asOf) / before;
            parts.Add((15m, ratio >= 1m ? 100m : Math.Max(0m, (ratio - 0.5m) * 200m)));
        }

        return parts.Sum(p => p.Weight * p.Score) / parts.Sum(p => p.Weight);
    }
}
