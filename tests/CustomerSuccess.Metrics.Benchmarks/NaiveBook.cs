using System.Text.Json;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// The naive baseline: no read model at all. Reads the whole event table in one pass and replays each
/// customer's contract events in effective order, honouring knownAt and voids, into the customer's ARR
/// before and after every day it changed; every figure is then computed from those days by the definitions.
/// </summary>
internal sealed class NaiveBook
{
    private enum Change
    {
        Open,
        Expand,
        Reduce,
        Renew,
        Close,
    }

    private readonly record struct Entry(string EventId, long Sequence, LocalDate Date, string ContractId, Change Change, decimal Amount);

    /// <summary>One customer's ARR before and after each effective day with events, and whether it was ever active before that day.</summary>
    private sealed class CustomerDays(LocalDate[] days, decimal[] before, decimal[] after, bool[] everActiveBefore)
    {
        public decimal ArrAt(LocalDate date)
        {
            var index = Array.BinarySearch(days, date);
            var last = index >= 0 ? index : ~index - 1;
            return last < 0 ? 0m : after[last];
        }

        public void Classify(LocalDate from, LocalDate to, ref BridgeSums sums)
        {
            var index = Array.BinarySearch(days, from);
            for (var i = index >= 0 ? index : ~index; i < days.Length && days[i] <= to; i++)
            {
                var (b, a) = (before[i], after[i]);
                if (b == 0m && a > 0m)
                {
                    if (everActiveBefore[i])
                    {
                        sums.Reactivation += a;
                    }
                    else
                    {
                        sums.New += a;
                    }
                }
                else if (b > 0m && a == 0m)
                {
                    sums.Churn += b;
                }
                else if (a > b && b > 0m)
                {
                    sums.Expansion += a - b;
                }
                else if (a < b && a > 0m)
                {
                    sums.Contraction += b - a;
                }
            }
        }
    }

    private struct BridgeSums
    {
        public decimal New;
        public decimal Reactivation;
        public decimal Expansion;
        public decimal Contraction;
        public decimal Churn;
    }

    private readonly List<CustomerDays> _customers;

    private NaiveBook(List<CustomerDays> customers) => _customers = customers;

    public static async Task<NaiveBook> ReadAsync(NpgsqlDataSource dataSource, string schema, Instant? knownAt, CancellationToken cancellation)
    {
        var timelines = new Dictionary<string, List<Entry>>(StringComparer.Ordinal);
        var voided = new HashSet<string>(StringComparer.Ordinal);

        await using (var command = dataSource.CreateCommand(
                         $"select stream_id, type, data, timestamp, seq_id from {schema}.mt_events order by seq_id"))
        {
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var recordedAt = reader.GetFieldValue<Instant>(3);
                if (knownAt is { } k && recordedAt > k)
                {
                    continue;
                }

                var type = reader.GetString(1);
                using var data = JsonDocument.Parse(reader.GetString(2));
                var json = data.RootElement;
                if (type == "event_voided")
                {
                    voided.Add(json.GetProperty("voidedEventId").GetString()!);
                    continue;
                }

                // Costs and customer-success signals move no ARR.
                if (type == "retention_cost_recorded" || reader.GetString(0) == StreamKeys.Signals)
                {
                    continue;
                }

                var (change, amount) = type switch
                {
                    "contract_signed" or "contract_cross_sold" => (Change.Open, json.GetProperty("arr").GetDecimal()),
                    "contract_upsold" => (Change.Expand, json.GetProperty("arrIncrease").GetDecimal()),
                    "contract_downsold" => (Change.Reduce, json.GetProperty("arrDecrease").GetDecimal()),
                    "contract_renewed" => (Change.Renew, json.GetProperty("arr").GetDecimal()),
                    "contract_churned" => (Change.Close, 0m),
                    _ => throw new InvalidOperationException($"The event table holds an event type this baseline does not know: '{type}'."),
                };

                var streamKey = reader.GetString(0);
                if (!timelines.TryGetValue(streamKey, out var timeline))
                {
                    timelines[streamKey] = timeline = [];
                }

                timeline.Add(new Entry(
                    json.GetProperty("eventId").GetString()!,
                    reader.GetInt64(4),
                    LocalDatePattern.Iso.Parse(json.GetProperty("effectiveDate").GetString()!).Value,
                    json.GetProperty("contractId").GetString()!,
                    change,
                    amount));
            }
        }

        return new NaiveBook(timelines.Values.Select(t => Replay(t, voided)).ToList());
    }

    public Figure Arr(LocalDate asOf)
    {
        var (arr, active) = Totals(asOf);
        return Definitions.Arr(arr, active);
    }

    public Figure Series(LocalDate from, LocalDate to) =>
        Definitions.Series(Definitions.Months(from, to).Select(p =>
        {
            var (arr, active) = Totals(p.To);
            return (p.To, arr, active);
        }));

    public Figure Bridge(LocalDate from, LocalDate to) =>
        Definitions.Bridge(Definitions.Months(from, to).Select(p => BridgeOver(p.From, p.To)), BridgeOver(from, to));

    public Figure Retention(LocalDate from, LocalDate to)
    {
        var (customers, opening, capped, closing, retained) = (0, 0m, 0m, 0m, 0);
        foreach (var customer in _customers)
        {
            var o = customer.ArrAt(from.PlusDays(-1));
            if (o <= 0m)
            {
                continue;
            }

            var e = customer.ArrAt(to);
            customers++;
            opening += o;
            capped += Math.Min(e, o);
            closing += e;
            retained += e > 0m ? 1 : 0;
        }

        return Definitions.Retention(new CohortTotals(customers, opening, capped, closing, retained), BridgeOver(from, to));
    }

    private (decimal Arr, int Active) Totals(LocalDate asOf)
    {
        var (arr, active) = (0m, 0);
        foreach (var customer in _customers)
        {
            var customerArr = customer.ArrAt(asOf);
            arr += customerArr;
            active += customerArr > 0m ? 1 : 0;
        }

        return (arr, active);
    }

    /// <summary>Opening is ARR(from - 1) and closing ARR(to), each summed directly, so the bridge's reconciliation is checked too.</summary>
    private BridgeTotals BridgeOver(LocalDate from, LocalDate to)
    {
        var sums = new BridgeSums();
        foreach (var customer in _customers)
        {
            customer.Classify(from, to, ref sums);
        }

        return new BridgeTotals(from, to, Totals(from.PlusDays(-1)).Arr, sums.New, sums.Reactivation, sums.Expansion,
            sums.Contraction, sums.Churn, Totals(to).Arr);
    }

    private static CustomerDays Replay(List<Entry> timeline, HashSet<string> voided)
    {
        var ordered = timeline.Where(e => !voided.Contains(e.EventId)).OrderBy(e => e.Date).ThenBy(e => e.Sequence).ToList();
        var (days, before, after, everActive) = (new List<LocalDate>(), new List<decimal>(), new List<decimal>(), new List<bool>());
        var contracts = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var (total, wasActive) = (0m, false);

        for (var i = 0; i < ordered.Count;)
        {
            var day = ordered[i].Date;
            var opening = total;
            for (; i < ordered.Count && ordered[i].Date == day; i++)
            {
                var entry = ordered[i];
                var current = contracts.GetValueOrDefault(entry.ContractId);
                var next = entry.Change switch
                {
                    Change.Open or Change.Renew => entry.Amount,
                    Change.Expand => current + entry.Amount,
                    Change.Reduce => current - entry.Amount,
                    _ => 0m,
                };
                contracts[entry.ContractId] = next;
                total += next - current;
            }

            days.Add(day);
            before.Add(opening);
            after.Add(total);
            everActive.Add(wasActive);
            wasActive |= total > 0m;
        }

        return new CustomerDays([.. days], [.. before], [.. after], [.. everActive]);
    }
}
