using System.Text.Json;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// The naive baseline: no read model at all. Reads the whole event table in one pass and replays each
/// customer's contract events in effective order, honouring knownAt and voids, into the customer's ARR
/// before and after every day it changed, and keeps each contract's events, each customer's details and every
/// signal as known; every figure is then computed from those by the definitions.
/// </summary>
internal sealed class NaiveBook
{
    private readonly record struct Entry(
        string EventId, long Sequence, LocalDate Date, string ContractId, ContractStepKind Change, decimal Amount, LocalDate? TermEnd);

    /// <summary>The customer object a contract event carried: a field it left out keeps its value.</summary>
    private sealed record Detail(string EventId, long Sequence, LocalDate Date, string? Segment, string? Csm);

    /// <summary>
    /// A signal as recorded: <see cref="Label"/> is a risk's factor, <see cref="Csm"/> and <see cref="TouchModel"/> an
    /// assignment's; the other fields are the survey's or usage report's.
    /// </summary>
    private sealed record Signal(
        string EventId, string Type, string CustomerId, LocalDate Date, long Sequence, string? RespondentId, int? Score, string? Scale,
        int? Seats, int? ActiveUsers, string? Label, string? Severity, string? Csm, string? TouchModel);

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

    private readonly Dictionary<string, CustomerDays> _days;
    private readonly Dictionary<string, List<Entry>> _timelines;
    private readonly Dictionary<string, List<Detail>> _details;
    private readonly Dictionary<string, List<Signal>> _signals;

    /// <param name="timelines">Each customer's contract events as known, voids applied, in effective order.</param>
    private NaiveBook(
        Dictionary<string, CustomerDays> days, Dictionary<string, List<Entry>> timelines, Dictionary<string, List<Detail>> details,
        Dictionary<string, List<Signal>> signals) =>
        (_days, _timelines, _details, _signals) = (days, timelines, details, signals);

    private IEnumerable<CustomerDays> Customers => _days.Values;

    public static async Task<NaiveBook> ReadAsync(NpgsqlDataSource dataSource, string schema, Instant? knownAt, CancellationToken cancellation)
    {
        var timelines = new Dictionary<string, List<Entry>>(StringComparer.Ordinal);
        var details = new Dictionary<string, List<Detail>>(StringComparer.Ordinal);
        var signals = new List<Signal>();
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

                // Costs move no ARR and tell nothing of a customer.
                if (type == "retention_cost_recorded")
                {
                    continue;
                }

                var streamKey = reader.GetString(0);
                var eventId = json.GetProperty("eventId").GetString()!;
                var sequence = reader.GetInt64(4);
                var date = Date(json, "effectiveDate")!.Value;
                if (streamKey == StreamKeys.Signals)
                {
                    signals.Add(new Signal(
                        eventId, type, json.GetProperty("customerId").GetString()!, date, sequence, Text(json, "respondentId"), Integer(json, "score"),
                        Text(json, "scale"), Integer(json, "licensedSeats"), Integer(json, "activeUsers"), Text(json, "factor"), Text(json, "severity"),
                        Text(json, "csm"), Text(json, "touchModel")));
                    continue;
                }

                var (change, amount) = type switch
                {
                    "contract_signed" or "contract_cross_sold" => (ContractStepKind.Open, json.GetProperty("arr").GetDecimal()),
                    "contract_upsold" => (ContractStepKind.Expand, json.GetProperty("arrIncrease").GetDecimal()),
                    "contract_downsold" => (ContractStepKind.Reduce, json.GetProperty("arrDecrease").GetDecimal()),
                    "contract_renewed" => (ContractStepKind.Renew, json.GetProperty("arr").GetDecimal()),
                    "contract_churned" => (ContractStepKind.Close, 0m),
                    _ => throw new InvalidOperationException($"The event table holds an event type this baseline does not know: '{type}'."),
                };

                Add(timelines, streamKey, new Entry(
                    eventId, sequence, date, json.GetProperty("contractId").GetString()!, change, amount, Date(json, "termEndDate")));
                if (json.TryGetProperty("customer", out var customer) && customer.ValueKind == JsonValueKind.Object)
                {
                    Add(details, streamKey, new Detail(eventId, sequence, date, Text(customer, "segment"), Text(customer, "csm")));
                }
            }
        }

        var known = timelines.ToDictionary(
            t => t.Key, t => t.Value.Where(e => !voided.Contains(e.EventId)).OrderBy(e => e.Date).ThenBy(e => e.Sequence).ToList(), StringComparer.Ordinal);
        return new NaiveBook(
            known.ToDictionary(t => t.Key, t => Replay(t.Value), StringComparer.Ordinal),
            known,
            details.ToDictionary(d => d.Key, d => d.Value.Where(e => !voided.Contains(e.EventId)).OrderBy(e => e.Date).ThenBy(e => e.Sequence).ToList(),
                StringComparer.Ordinal),
            signals.Where(s => !voided.Contains(s.EventId)).GroupBy(s => s.CustomerId)
                .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Date).ThenBy(s => s.Sequence).ToList(), StringComparer.Ordinal));
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
        foreach (var customer in Customers)
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

    /// <summary>NPS over [from, to] from every NPS answer dated in it, with who each answering customer is at <paramref name="to"/>.</summary>
    public Figure Nps(LocalDate from, LocalDate to)
    {
        var answers = _signals.Values.SelectMany(s => s)
            .Where(s => s.Type == "nps_answered" && s.Date >= from && s.Date <= to)
            .Select(s => new NpsAnswer(s.CustomerId, s.RespondentId!, s.Date, s.Sequence, s.Score!.Value))
            .ToList();
        var accounts = answers.Select(a => a.CustomerId).Distinct(StringComparer.Ordinal)
            .ToDictionary(c => c, c => AccountAt(c, to), StringComparer.Ordinal);
        return Definitions.Nps(answers, accounts, from, to);
    }

    /// <summary>The health of every customer with ARR on the date, each scored from its own signals.</summary>
    public Figure Health(LocalDate asOf)
    {
        var customers = new List<HealthInputs>();
        foreach (var (customerId, days) in _days)
        {
            var arr = days.ArrAt(asOf);
            if (arr <= 0m)
            {
                continue;
            }

            var signals = _signals.GetValueOrDefault(customerId) ?? [];
            var surveyFrom = asOf.PlusDays(1 - Definitions.SatisfactionDays);
            var usage = signals.LastOrDefault(s => s.Type == "usage_reported" && s.Date <= asOf && s.Date >= asOf.PlusDays(-Definitions.UsageFreshDays));
            var touch = signals.LastOrDefault(s => s.Type == "engagement_recorded" && s.Date <= asOf);
            var satisfaction = signals.Where(s => s.Type == "nps_answered" && s.Date >= surveyFrom && s.Date <= asOf)
                .GroupBy(s => s.RespondentId).Select(g => g.Last().Score!.Value * 10m)
                .Concat(signals.Where(s => s.Type == "csat_answered" && s.Date >= surveyFrom && s.Date <= asOf)
                    .Select(s => Definitions.CsatOn100(s.Score!.Value, s.Scale!)))
                .ToList();
            var risks = signals.Where(s => s.Type is "risk_flagged" or "risk_cleared" && s.Date <= asOf)
                .GroupBy(s => s.Label).Select(g => g.Last()).Where(s => s.Type == "risk_flagged").Select(s => s.Severity!).ToList();
            customers.Add(new HealthInputs(
                customerId, AccountAt(customerId, asOf), arr, days.ArrAt(asOf.PlusDays(-Definitions.ArrTrendDays)),
                usage is null ? null : (usage.Seats!.Value, usage.ActiveUsers!.Value),
                touch is null ? null : Period.Between(touch.Date, asOf, PeriodUnits.Days).Days, satisfaction, risks));
        }

        return Definitions.Health(customers);
    }

    public Figure Renewals(LocalDate from, LocalDate to) =>
        Definitions.Renewals(_timelines.SelectMany(t => t.Value.GroupBy(e => e.ContractId)
            .Select(g => (IReadOnlyList<ContractStep>)[.. g.Select(e => new ContractStep(t.Key, e.ContractId, e.Date, e.Change, e.Amount, e.TermEnd))])), from, to);

    /// <summary>
    /// Who the customer is at the end of the date: the latest segment given with its contract events; the CSM of its latest
    /// assignment unless a contract event changed the CSM later (on the same day the assignment wins); the latest
    /// assignment's touch model.
    /// </summary>
    private Account AccountAt(string customerId, LocalDate date)
    {
        var (segment, csm, csmSince, given) = ((string?)null, (string?)null, (LocalDate?)null, (string?)null);
        foreach (var detail in _details.GetValueOrDefault(customerId) ?? [])
        {
            if (detail.Date > date)
            {
                break;
            }

            segment = detail.Segment ?? segment;
            if (detail.Csm is { } named && named != given)
            {
                (csm, csmSince) = (named, detail.Date);
            }

            given = detail.Csm ?? given;
        }

        var assigned = (_signals.GetValueOrDefault(customerId) ?? []).LastOrDefault(s => s.Type == "customer_assigned" && s.Date <= date);
        if (assigned is not null && (csmSince is null || assigned.Date >= csmSince))
        {
            csm = assigned.Csm;
        }

        return new Account(segment, csm, assigned?.TouchModel);
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Integer(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static LocalDate? Date(JsonElement json, string name) => Text(json, name) is { } text ? LocalDatePattern.Iso.Parse(text).Value : null;

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    private (decimal Arr, int Active) Totals(LocalDate asOf)
    {
        var (arr, active) = (0m, 0);
        foreach (var customer in Customers)
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
        foreach (var customer in Customers)
        {
            customer.Classify(from, to, ref sums);
        }

        return new BridgeTotals(from, to, Totals(from.PlusDays(-1)).Arr, sums.New, sums.Reactivation, sums.Expansion,
            sums.Contraction, sums.Churn, Totals(to).Arr);
    }

    private static CustomerDays Replay(List<Entry> ordered)
    {
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
                    ContractStepKind.Open or ContractStepKind.Renew => entry.Amount,
                    ContractStepKind.Expand => current + entry.Amount,
                    ContractStepKind.Reduce => current - entry.Amount,
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
