using System.Net;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// Random valid histories (several contracts per customer, same-day netting, churn then reactivation,
/// backdated upsells, voids) recorded in knowledge steps. Every figure is checked against a plain
/// computation from the definitions, made here without the engine's code. ARR arrives in every form a
/// publisher may send it: as <c>arr</c> or as <c>recurringAmount</c> over 1 to 120 months, in whole
/// thousands, with six decimal places, and up to the largest amount allowed.
/// </summary>
public abstract class RandomHistoryProperties(MetricsApp app, RandomHistoryProperties.Amounts amounts, int seed)
{
    internal sealed record Published(string Json, string EventId, string Customer, string? Contract, LocalDate Date, string Kind, decimal Amount, string? Voids);

    private static readonly LocalDate FirstDay = new(2023, 1, 1);

    /// <summary>How amounts are drawn: whole thousands sent as arr, or every form and size a publisher may send.</summary>
    public enum Amounts
    {
        WholeThousands,
        EveryForm,
    }

    [Fact]
    public async Task figures_agree_with_the_definitions_and_never_change_for_an_earlier_knownAt()
    {
        var random = new Random(seed);
        var steps = Generate(random, amounts, customers: 40, knowledgeSteps: 5);
        var answered = new List<(string Query, string Body)>();
        var instant = app.Clock.GetCurrentInstant() + Duration.FromDays(1);

        for (var step = 0; step < steps.Count; step++)
        {
            instant += Duration.FromDays(7);
            (await app.PostEventsAtAsync(instant, Batch([.. steps[step].Select(p => p.Json)]))).ShouldBe(HttpStatusCode.OK);
            app.Clock.Reset(instant + Duration.FromDays(1));
            var known = steps.Take(step + 1).SelectMany(s => s).ToList();

            await CheckCustomerListAsync(known, FirstDay.PlusDays(random.Next(0, 1100)), InstantPattern.ExtendedIso.Format(instant));
            for (var check = 0; check < 6; check++)
            {
                var from = FirstDay.PlusDays(random.Next(0, 1100));
                var to = from.PlusDays(random.Next(0, 400));
                var knownAt = InstantPattern.ExtendedIso.Format(instant);
                answered.Add(await CheckPeriodAsync(known, from, to, knownAt));
            }
        }

        foreach (var (query, body) in answered)
        {
            Assert.Equal(body, (await app.GetAsync(query)).ShouldBe(HttpStatusCode.OK).Text);
        }
    }

    private async Task<(string, string)> CheckPeriodAsync(List<Published> known, LocalDate from, LocalDate to, string knownAt)
    {
        var range = $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&knownAt={knownAt}";
        var bridgeQuery = $"/api/v1/metrics/bridge?{range}";
        var bridge = (await app.GetAsync(bridgeQuery)).ShouldBe(HttpStatusCode.OK)["summary"];
        decimal B(string name) => bridge[name]!.GetValue<decimal>();

        var arrBefore = ArrByCustomer(known, from.PlusDays(-1));
        var arrAtEnd = ArrByCustomer(known, to);
        Assert.Equal(Money(arrBefore.Values.Sum()), B("openingArr"));
        Assert.Equal(Money(arrAtEnd.Values.Sum()), B("closingArr"));
        // Each figure is rounded to the cent on its own, so the presented parts may miss the presented total by up to
        // half a cent each; with whole amounts they reconcile exactly.
        var reconciled = B("openingArr") + B("newArr") + B("reactivationArr") + B("expansionArr") - B("contractionArr") - B("churnArr");
        Assert.InRange(Math.Abs(B("closingArr") - reconciled), 0m, 0.03m);

        var retentionQuery = $"/api/v1/metrics/retention?{range}";
        var retention = (await app.GetAsync(retentionQuery)).ShouldBe(HttpStatusCode.OK);
        var cohort = arrBefore.Where(c => c.Value > 0m).Select(c => (Opening: c.Value, Closing: arrAtEnd.GetValueOrDefault(c.Key))).ToList();
        Assert.Equal(cohort.Count, retention["cohortCustomers"].GetValue<int>());
        if (cohort.Count > 0)
        {
            var opening = cohort.Sum(c => c.Opening);
            Assert.Equal(Round(cohort.Sum(c => Math.Min(c.Opening, c.Closing)) / opening), retention.Decimal("grossRenewalRate"));
            Assert.Equal(Round(cohort.Sum(c => c.Closing) / opening), retention.Decimal("netRenewalRate"));
            Assert.Equal(Round((decimal)cohort.Count(c => c.Closing > 0m) / cohort.Count), retention.Decimal("logoRetention"));
            Assert.True(retention.Decimal("grossRenewalRate") <= 1m);
        }
        else
        {
            Assert.Null(retention.Body!["netRenewalRate"]);
        }

        await CheckRenewalsAsync(known, from, to, knownAt);

        var arrQuery = $"/api/v1/arr?asOf={to:yyyy-MM-dd}&knownAt={knownAt}";
        var arr = (await app.GetAsync(arrQuery)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(arrAtEnd.Count(c => c.Value > 0m), arr["activeCustomers"].GetValue<int>());
        Assert.Equal(Money(arrAtEnd.Values.Sum()), arr.Decimal("arr"));
        Assert.Equal(Money(arrAtEnd.Values.Sum() / 12m), arr.Decimal("mrr"));

        return (bridgeQuery, (await app.GetAsync(bridgeQuery)).Text);
    }

    /// <summary>
    /// The customer list, read a page at a time, holds every customer recorded so far with the ARR the definitions give,
    /// as the customer's own endpoint does, and adds up to the ARR figure for the book and for each segment.
    /// </summary>
    private async Task CheckCustomerListAsync(List<Published> known, LocalDate asOf, string knownAt)
    {
        var query = $"asOf={asOf:yyyy-MM-dd}&knownAt={knownAt}";
        var expected = ArrByCustomer(known, asOf);
        var listed = await ListCustomersAsync(query);

        Assert.Equal(known.Select(p => p.Customer).Distinct().Order(StringComparer.Ordinal), listed.Select(c => c.Id));
        foreach (var customer in listed)
        {
            Assert.Equal(Money(expected.GetValueOrDefault(customer.Id)), customer.Arr);
            var own = (await app.GetAsync($"/api/v1/customers/{customer.Id}?{query}")).ShouldBe(HttpStatusCode.OK);
            Assert.Equal((own.Decimal("arr"), own["status"].GetValue<string>(), own.Body!["segment"]?.GetValue<string>()),
                (customer.Arr, customer.Status, customer.Segment));
        }

        foreach (var segment in new string?[] { null, "smb", "mid_market", "enterprise" })
        {
            var filter = segment is null ? "" : $"&segment={segment}";
            var arr = (await app.GetAsync($"/api/v1/arr?{query}{filter}")).ShouldBe(HttpStatusCode.OK);
            var ofSegment = segment is null ? listed : await ListCustomersAsync(query + filter);
            Assert.Equal(Money(ofSegment.Sum(c => expected.GetValueOrDefault(c.Id))), arr.Decimal("arr"));
            // Each customer's ARR is presented rounded on its own: the presented parts may miss the total by half a cent each.
            Assert.InRange(Math.Abs(ofSegment.Sum(c => c.Arr) - arr.Decimal("arr")), 0m, 0.005m * ofSegment.Count);
            Assert.Equal(arr["activeCustomers"].GetValue<int>(), ofSegment.Count(c => c.Status == "active"));
        }
    }

    private sealed record Listed(string Id, decimal Arr, string Status, string? Segment);

    /// <summary>Every page of the customer list, read 7 customers at a time.</summary>
    private async Task<List<Listed>> ListCustomersAsync(string query)
    {
        var listed = new List<Listed>();
        var total = int.MaxValue;
        for (var offset = 0; offset < total; offset += 7)
        {
            var page = (await app.GetAsync($"/api/v1/customers?{query}&limit=7&offset={offset}")).ShouldBe(HttpStatusCode.OK);
            total = page["total"].GetValue<int>();
            listed.AddRange(page["customers"].AsArray().Select(c => new Listed(
                c!["customerId"]!.GetValue<string>(), c["arr"]!.GetValue<decimal>(), c["status"]!.GetValue<string>(),
                c["segment"]?.GetValue<string>())));
        }

        return listed;
    }

    private static decimal Round(decimal rate) => Math.Round(rate, 6, MidpointRounding.ToEven);

    private static decimal Money(decimal amount) => Math.Round(amount, 2, MidpointRounding.ToEven);

    /// <summary>An amount as text whatever its scale, so that 12000 and 12000.00 read alike.</summary>
    private static string Text(decimal? amount) => amount?.ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private const decimal Largest = 1_000_000_000_000m;

    /// <summary>An amount of the chosen kind, never above <paramref name="atMost"/>.</summary>
    private static decimal Draw(Random random, Amounts amounts, decimal atMost)
    {
        var drawn = amounts == Amounts.WholeThousands ? random.Next(1, 50) * 1_000m : random.Next(4) switch
        {
            0 => random.Next(1, 50) * 1_000m,
            1 => random.NextInt64(1, 100_000_000_000) / 1_000_000m,
            2 => Largest - random.Next(0, 1_000_000) / 1_000_000m,
            _ => random.NextInt64(1, 1_000_000_000_000_000) / 1_000_000m,
        };
        return Math.Min(drawn, atMost);
    }

    /// <summary>An opening or renewal ARR, sent as arr or as a recurring amount over 1 to 120 months; the ARR it means.</summary>
    private static (string Field, decimal Arr) DrawArr(Random random, Amounts amounts)
    {
        if (amounts == Amounts.WholeThousands || random.Next(3) == 0)
        {
            var arr = Draw(random, amounts, Largest);
            return ($"\"arr\":{arr}", arr);
        }

        var months = random.Next(1, 121);
        var amount = Draw(random, amounts, Math.Floor(Largest * months / 12m));
        return ($"\"recurringAmount\":{amount},\"periodMonths\":{months}", Math.Round(amount * 12m / months, 6, MidpointRounding.ToEven));
    }

    /// <summary>Event JSON with its ARR sent in the drawn form instead of as arr.</summary>
    private static string WithArr(string json, decimal placeholder, string field) =>
        json.Replace($"\"arr\":{placeholder}", field, StringComparison.Ordinal);

    /// <summary>Renewals due in [from, to] hold exactly the terms the definition gives, with their outcomes, ARR and rates.</summary>
    private async Task CheckRenewalsAsync(List<Published> known, LocalDate from, LocalDate to, string knownAt)
    {
        var expected = TermsDue(known).Where(t => t.End >= from && t.End <= to).ToList();
        var reply = (await app.GetAsync($"/api/v1/renewals?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&knownAt={knownAt}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(
            expected.Select(t => $"{t.Customer}/{t.Contract}/{t.End:yyyy-MM-dd}/{t.Status}/{Text(Money(t.Arr))}/{Text(t.Renewed is { } r ? Money(r) : null)}")
                .Order(StringComparer.Ordinal),
            reply["contracts"].AsArray().Select(c =>
                    $"{c!["customerId"]}/{c["contractId"]}/{c["termEndDate"]}/{c["status"]}/{Text(c["arr"]!.GetValue<decimal>())}/{Text(c["renewedArr"]?.GetValue<decimal>())}")
                .Order(StringComparer.Ordinal));
        Assert.Equal(expected.Count, reply["due"].GetValue<int>());
        var renewed = expected.Where(t => t.Renewed is not null).ToList();
        var decided = expected.Where(t => t.Status != "pending").ToList();
        var prior = decided.Sum(t => t.Arr);
        if (prior == 0m)
        {
            Assert.Null(reply.Body!["grossRenewalRateByArr"]);
            return;
        }

        Assert.Equal(Round(renewed.Sum(t => Math.Min(t.Renewed!.Value, t.Arr)) / prior), reply.Decimal("grossRenewalRateByArr"));
        Assert.Equal(Round(renewed.Sum(t => t.Renewed!.Value) / prior), reply.Decimal("netRenewalRateByArr"));
        Assert.Equal(Round((decimal)renewed.Count / decided.Count), reply.Decimal("renewalRateByCount"));
    }

    /// <summary>
    /// Every term of every contract, straight from the definition: a signing sets a term to the year's end (a cross-sell
    /// none), a renewal the term it sends. A renewal from 60 days before to 30 after the term end renews it; a later one
    /// leaves it pending; an earlier one replaces it. A churn with a term open churns it; a term still open is pending.
    /// </summary>
    private static List<(string Customer, string Contract, LocalDate End, string Status, decimal Arr, decimal? Renewed)> TermsDue(List<Published> known)
    {
        var voided = known.Where(p => p.Voids is not null).Select(p => p.Voids!).ToHashSet();
        var arr = new Dictionary<(string Customer, string Contract), decimal>();
        var ends = new Dictionary<(string Customer, string Contract), LocalDate?>();
        var terms = new List<(string, string, LocalDate, string, decimal, decimal?)>();
        foreach (var p in known.Select((p, i) => (p, i)).Where(x => x.p.Contract is not null && !voided.Contains(x.p.EventId))
                     .OrderBy(x => x.p.Date).ThenBy(x => x.i).Select(x => x.p))
        {
            var key = (p.Customer, p.Contract!);
            var before = arr.GetValueOrDefault(key);
            switch (p.Kind)
            {
                case "open":
                    arr[key] = p.Amount;
                    ends[key] = p.Json.Contains("\"contract.signed\"", StringComparison.Ordinal) ? new LocalDate(p.Date.Year, 12, 31) : null;
                    break;
                case "up":
                    arr[key] = before + p.Amount;
                    break;
                case "down":
                    arr[key] = before - p.Amount;
                    break;
                case "renew":
                    if (ends[key] is { } end && p.Date >= end.PlusDays(-60))
                    {
                        terms.Add(p.Date <= end.PlusDays(30) ? (p.Customer, p.Contract!, end, "renewed", before, p.Amount) : (p.Customer, p.Contract!, end, "pending", before, null));
                    }

                    arr[key] = p.Amount;
                    ends[key] = p.Date.PlusYears(1);
                    break;
                default:
                    if (ends.Remove(key, out var open) && open is { } churnedEnd)
                    {
                        terms.Add((p.Customer, p.Contract!, churnedEnd, "churned", before, null));
                    }

                    arr[key] = 0m;
                    break;
            }
        }

        terms.AddRange(ends.Where(e => e.Value is not null).Select(e => (e.Key.Customer, e.Key.Contract, e.Value!.Value, "pending", arr[e.Key], (decimal?)null)));
        return terms;
    }

    /// <summary>ARR per customer at the end of a day, straight from the definitions: replay in effective order.</summary>
    private static Dictionary<string, decimal> ArrByCustomer(List<Published> known, LocalDate asOf)
    {
        var voided = known.Where(p => p.Voids is not null).Select(p => p.Voids!).ToHashSet();
        var contracts = new Dictionary<(string, string), decimal>();
        foreach (var p in known.Select((p, i) => (p, i)).Where(x => x.p.Contract is not null && !voided.Contains(x.p.EventId) && x.p.Date <= asOf)
                     .OrderBy(x => x.p.Date).ThenBy(x => x.i).Select(x => x.p))
        {
            var key = (p.Customer, p.Contract!);
            contracts[key] = p.Kind switch
            {
                "open" or "renew" => p.Amount,
                "up" => contracts[key] + p.Amount,
                "down" => contracts[key] - p.Amount,
                _ => 0m,
            };
        }

        return contracts.GroupBy(c => c.Key.Item1).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
    }

    /// <summary>Valid histories, split into knowledge steps; some upsells arrive late (backdated) and some are voided, in the same step or a later one.</summary>
    internal static List<List<Published>> Generate(Random random, Amounts amounts, int customers, int knowledgeSteps)
    {
        var steps = Enumerable.Range(0, knowledgeSteps).Select(_ => new List<Published>()).ToList();
        for (var c = 0; c < customers; c++)
        {
            var customer = $"p{c}";
            var timeline = new List<Published>();
            var day = FirstDay.PlusDays(random.Next(0, 700));
            var open = new Dictionary<string, decimal>();
            // ARR without upsells: downsells stay valid whether an upsell arrives late or is voided.
            var withoutUpsells = new Dictionary<string, decimal>();
            var contracts = 0;
            var n = 0;
            string Id() => $"{customer}-e{++n}";

            void Sign(bool crossSell)
            {
                var contract = $"{customer}-c{++contracts}";
                var (field, arr) = DrawArr(random, amounts);
                var id = Id();
                open[contract] = arr;
                withoutUpsells[contract] = arr;
                var json = crossSell ? CrossSold(id, customer, contract, $"{day:yyyy-MM-dd}", 1m)
                    : Signed(id, customer, contract, $"{day:yyyy-MM-dd}", 1m, random.Next(3) switch { 0 => "smb", 1 => "mid_market", _ => "enterprise" });
                timeline.Add(new Published(WithArr(json, 1m, field), id, customer, contract, day, "open", arr, null));
            }

            Sign(crossSell: false);
            for (var e = random.Next(2, 9); e > 0; e--)
            {
                day = day.PlusDays(random.Next(0, 3) == 0 ? 0 : random.Next(1, 120));
                if (open.Count == 0)
                {
                    Sign(crossSell: false);
                    continue;
                }

                var contract = open.Keys.ElementAt(random.Next(open.Count));
                var id = Id();
                var date = $"{day:yyyy-MM-dd}";
                switch (random.Next(6))
                {
                    case 0:
                        Sign(crossSell: true);
                        break;
                    case 1:
                        var increase = amounts == Amounts.WholeThousands ? random.Next(1, 10) * 500m : Draw(random, amounts, Largest);
                        open[contract] += increase;
                        timeline.Add(new Published(Upsold(id, customer, contract, date, increase), id, customer, contract, day, "up", increase, null));
                        break;
                    case 2 when withoutUpsells[contract] >= 2_000m:
                        var decrease = amounts == Amounts.WholeThousands
                            ? Math.Floor(withoutUpsells[contract] / 2_000m) * 1_000m
                            : Math.Round(withoutUpsells[contract] / 2m, 6, MidpointRounding.ToZero);
                        open[contract] -= decrease;
                        withoutUpsells[contract] -= decrease;
                        timeline.Add(new Published(Downsold(id, customer, contract, date, decrease), id, customer, contract, day, "down", decrease, null));
                        break;
                    case 3:
                        var (renewalField, renewed) = DrawArr(random, amounts);
                        open[contract] = renewed;
                        withoutUpsells[contract] = renewed;
                        var renewal = WithArr(Renewed(id, customer, contract, date, 1m, $"{day.PlusYears(1):yyyy-MM-dd}"), 1m, renewalField);
                        timeline.Add(new Published(renewal, id, customer, contract, day, "renew", renewed, null));
                        break;
                    default:
                        open.Remove(contract);
                        timeline.Add(new Published(Churned(id, customer, contract, date), id, customer, contract, day, "churn", 0m, null));
                        break;
                }
            }

            // Publish in effective order over the steps; a late upsell is backdated into a later step; some upsells are voided later.
            var step = random.Next(knowledgeSteps);
            foreach (var p in timeline)
            {
                var late = p.Kind == "up" && random.Next(5) == 0 && step < knowledgeSteps - 1;
                steps[late ? random.Next(step + 1, knowledgeSteps) : step].Add(p);
                if (p.Kind == "up" && !late && random.Next(6) == 0 && step < knowledgeSteps - 1)
                {
                    var voidId = Id();
                    // Sometimes in the very batch that sends the upsell, after it.
                    steps[random.Next(step, knowledgeSteps)].Add(new Published(Voided(voidId, p.EventId), voidId, customer, null, p.Date, "void", 0m, p.EventId));
                }

                step = Math.Min(knowledgeSteps - 1, step + (random.Next(4) == 0 ? 1 : 0));
            }
        }

        return steps;
    }
}
