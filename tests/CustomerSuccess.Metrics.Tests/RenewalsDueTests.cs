using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Renewals;
using NodaTime;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>
/// The terms of random contract histories, with voids, at several knowledge instants, against a plain reading of the
/// definition: each term is settled by the next renewal or churn of its contract, if any.
/// </summary>
public class RenewalsDueTests
{
    private static readonly LocalDate Start = new(2023, 1, 1);

    [Fact]
    public void every_term_is_settled_as_the_definition_reads_at_every_knowledge_instant()
    {
        var random = new Random(20261127);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var history = 0; history < 300; history++)
        {
            var builder = new TimelineBuilder($"c{history}");
            var voidable = new List<string>();
            var contracts = random.Next(1, 4);
            for (var c = 0; c < contracts; c++)
            {
                Contract(builder, random, $"k{c}", voidable);
            }

            foreach (var id in voidable.Where(_ => random.Next(6) == 0).ToList())
            {
                builder.Void($"v-{id}", id);
            }

            var instants = builder.Ledger.Entries.Select(e => e.RecordedAt).Concat(builder.Ledger.Voids.Select(v => v.RecordedAt))
                .Where(_ => random.Next(3) == 0).Append(Instant.MaxValue).ToList();
            foreach (var knownAt in instants)
            {
                var timeline = builder.Ledger.KnownTimeline(knownAt);
                var terms = RenewalsDue.Terms(builder.Ledger.Id, timeline).ToList();
                seen.UnionWith(terms.Select(t => t.Status));
                var actual = terms.Select(Key).Order().ToList();
                var expected = Plain(timeline).Select(Key).Order().ToList();
                Assert.Equal(expected, actual);
            }
        }

        Assert.Equal([RenewalStatus.Churned, RenewalStatus.Pending, RenewalStatus.Renewed], seen.Order());
    }

    [Fact]
    public void rates_count_only_the_decided_terms_and_are_null_when_none_is()
    {
        DueContract Due(string status, decimal arr, decimal? renewed) =>
            new("c", "k", null, new LocalDate(2025, 6, 30), status, arr, renewed, null, null);

        var figures = RenewalFigures.Of([
            Due(RenewalStatus.Renewed, 100m, 150m), Due(RenewalStatus.Renewed, 200m, 100m), Due(RenewalStatus.Churned, 100m, null),
            Due(RenewalStatus.Pending, 1_000m, null),
        ]);
        Assert.Equal((2, 1, 1), (figures.Renewed, figures.Churned, figures.Pending));
        Assert.Equal(2m / 3m, figures.RenewalRateByCount);
        Assert.Equal((100m + 100m) / 400m, figures.GrossRenewalRateByArr);
        Assert.Equal((150m + 100m) / 400m, figures.NetRenewalRateByArr);

        var pendingOnly = RenewalFigures.Of([Due(RenewalStatus.Pending, 1_000m, null)]);
        Assert.Equal((null, null, null), (pendingOnly.RenewalRateByCount, pendingOnly.GrossRenewalRateByArr, pendingOnly.NetRenewalRateByArr));
    }

    private static string Key(DueContract c) =>
        $"{c.ContractId}|{c.TermEndDate}|{c.Status}|{c.Arr}|{c.RenewedArr}|{c.DecidedOn}|{c.EventId}";

    /// <summary>One contract: signed, then up to three terms, each with changes inside it and ended by a renewal, a churn or nothing.</summary>
    private static void Contract(TimelineBuilder builder, Random random, string contract, List<string> voidable)
    {
        var date = Start.PlusDays(random.Next(0, 400));
        var termEnd = date.PlusDays(random.Next(150, 500));
        var id = $"{contract}-0";
        builder.Add(new Events.ContractSigned(id, builder.Ledger.Id, contract, date, 10_000m + random.Next(0, 10) * 1_000m, termEnd, null, null, null));
        for (var term = 1; term <= 3; term++)
        {
            for (var change = 0; change < random.Next(0, 3); change++)
            {
                var on = date.PlusDays(random.Next(1, Math.Max(2, Period.DaysBetween(date, termEnd))));
                var changeId = $"{contract}-{term}-{change}";
                builder.Add(random.Next(2) == 0
                    ? new Events.ContractUpsold(changeId, builder.Ledger.Id, contract, on, 500m * random.Next(1, 4), null)
                    : new Events.ContractDownsold(changeId, builder.Ledger.Id, contract, on, 250m * random.Next(1, 3), null));
                voidable.Add(changeId);
            }

            var next = termEnd.PlusDays(random.Next(-150, 90));
            if (next <= date)
            {
                next = date.PlusDays(1);
            }

            var endId = $"{contract}-end-{term}";
            switch (random.Next(4))
            {
                case 0:
                    builder.Add(new Events.ContractChurned(endId, builder.Ledger.Id, contract, next, "budget", null));
                    voidable.Add(endId);
                    return;
                case 1:
                    return;
                default:
                    (date, termEnd) = (next, next.PlusDays(random.Next(200, 500)));
                    builder.Add(new Events.ContractRenewed(endId, builder.Ledger.Id, contract, date, 8_000m + random.Next(0, 10) * 1_000m, termEnd, null, null));
                    voidable.Add(endId);
                    break;
            }
        }
    }

    /// <summary>
    /// The definition read plainly, contract by contract: each event that sets a term end starts a term, settled by the
    /// contract's next renewal or churn: renewed within 60 days before to 30 after, not due when renewed earlier,
    /// pending when renewed later or not at all, churned by a churn.
    /// </summary>
    private static IEnumerable<DueContract> Plain(IReadOnlyList<TimelineEntry> timeline)
    {
        foreach (var contract in timeline.GroupBy(e => e.ContractId))
        {
            var events = contract.ToList();
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i].Change is not (ContractChange.Open or ContractChange.Renew) || events[i].TermEndDate is not { } end)
                {
                    continue;
                }

                var settling = events.Skip(i + 1).FirstOrDefault(e => e.Change is ContractChange.Renew or ContractChange.Close);
                var arr = ArrBefore(events, settling is null ? events.Count : events.IndexOf(settling));
                if (settling is null)
                {
                    yield return new DueContract("", contract.Key, null, end, RenewalStatus.Pending, arr, null, null, null);
                }
                else if (settling.Change == ContractChange.Close)
                {
                    yield return new DueContract("", contract.Key, null, end, RenewalStatus.Churned, arr, null, settling.EffectiveDate, settling.EventId);
                }
                else if (Period.DaysBetween(settling.EffectiveDate, end) > 60)
                {
                    continue;
                }
                else if (Period.DaysBetween(end, settling.EffectiveDate) > 30)
                {
                    yield return new DueContract("", contract.Key, null, end, RenewalStatus.Pending, arr, null, null, null);
                }
                else
                {
                    yield return new DueContract("", contract.Key, null, end, RenewalStatus.Renewed, arr, settling.Amount, settling.EffectiveDate, settling.EventId);
                }
            }
        }
    }

    /// <summary>The contract's ARR after its first <paramref name="count"/> events.</summary>
    private static decimal ArrBefore(IReadOnlyList<TimelineEntry> events, int count) =>
        events.Take(count).Aggregate(0m, (arr, e) => e.Change switch
        {
            ContractChange.Open or ContractChange.Renew => e.Amount,
            ContractChange.Expand => arr + e.Amount,
            ContractChange.Reduce => arr - e.Amount,
            _ => 0m,
        });
}
