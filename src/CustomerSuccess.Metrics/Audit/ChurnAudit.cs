using System.Runtime.CompilerServices;
using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Movements;
using Marten;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Audit;

/// <summary>
/// Every churn in a period, as known at an instant, in the order of churn date, customer id and kind (the logo
/// before its contracts). Logo churns are the bridge's churn movements themselves, so their amounts add up to the
/// bridge's churn. Contract endings are the period's <c>contract.churned</c> events, read from the event log, whose
/// customer still had ARR at the end of the day, placed against the customer's timeline as known then: the movements
/// cannot show them all, since a contract replaced that day by one of the same ARR leaves no movement. The event log is
/// read by the names the store gives event fields in JSON (camelCase).
/// </summary>
public sealed class ChurnAudit(NpgsqlDataSource dataSource, ReadModelTables tables, IDocumentStore store)
{
    public const int HistoryMonths = 12;

    private readonly string _churnedEventType = store.Options.Events.AllKnownEventTypes()
        .Single(t => t.EventType == typeof(ContractChurned)).EventTypeName;

    private sealed record ContractChurn(string CustomerId, LocalDate ChurnDate, long Sequence, decimal[] ArrHistory, string? PublishedBy, string? Via);

    public IAsyncEnumerable<ChurnEntry> EntriesAsync(
        LocalDate from, LocalDate to, Instant knownAt, string? segment, CancellationToken cancellation) =>
        MergeAsync(LogosAsync(from, to, knownAt, segment, cancellation), ContractsAsync(from, to, knownAt, segment, cancellation), cancellation);

    /// <summary>The month-ends whose ARR <see cref="ChurnEntry.ArrHistory"/> gives: the twelve before the churn date, oldest first.</summary>
    private static IReadOnlyList<LocalDate> MonthEndsBefore(LocalDate churnDate)
    {
        var firstOfMonth = churnDate.With(DateAdjusters.StartOfMonth);
        return [.. Enumerable.Range(1, HistoryMonths).Reverse().Select(months => firstOfMonth.PlusMonths(1 - months).PlusDays(-1))];
    }

    private IAsyncEnumerable<ChurnEntry> LogosAsync(LocalDate from, LocalDate to, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var command = dataSource.CreateCommand();
        var fromParameter = BelievedMovements.Add(command, from);
        var toParameter = BelievedMovements.Add(command, to);
        var churnKind = BelievedMovements.Add(command, MovementKinds.Churn);
        var reactivationKind = BelievedMovements.Add(command, MovementKinds.Reactivation);
        var churnedType = BelievedMovements.Add(command, _churnedEventType);
        var inSegment = new BelievedMovements(tables, knownAt, segment).Filter(command);
        var anywhere = new BelievedMovements(tables, knownAt, segment: null).Filter(command);
        command.CommandText = $"""
            select churn.customer_id, churn.churn_date, churn.segment, churn.amount, churn.event_ids,
                   churn_events.event_ids, churn_events.contract_ids, churn_events.recorded_at, churn_events.reasons,
                   (select min(m.movement_date) from {tables.Movements} m
                    where m.customer_id = churn.customer_id and m.kind = {reactivationKind} and m.movement_date > churn.churn_date
                      and {anywhere}) as reactivated_on,
                   {ArrHistory(anywhere)} as arr_history,
                   churn_events.published_by, churn_events.via
            from (select m.customer_id, m.movement_date as churn_date, m.segment, m.amount, m.event_ids
                  from {tables.Movements} m
                  where m.kind = {churnKind} and m.movement_date between {fromParameter} and {toParameter} and {inSegment}) churn
            cross join lateral (
                select array_agg(e.data ->> 'eventId' order by e.seq_id) as event_ids,
                       array_agg(e.data ->> 'contractId' order by e.seq_id) as contract_ids,
                       array_agg(e.timestamp order by e.seq_id) as recorded_at,
                       array_agg(e.data ->> 'reason' order by e.seq_id) as reasons,
                       array_agg(e.headers ->> '{Recording.Sender.PublishedByHeader}' order by e.seq_id) as published_by,
                       array_agg(e.headers ->> '{Recording.Sender.ViaHeader}' order by e.seq_id) as via
                from {tables.Schema}.mt_events e
                where e.stream_id = churn.customer_id and e.type = {churnedType} and e.data ->> 'eventId' = any(churn.event_ids)) churn_events
            order by churn.churn_date, churn.customer_id collate "C"
            """;
        return ReaderRows.ReadAsync(command, ReadLogo, cancellation);
    }

    private static ChurnEntry ReadLogo(NpgsqlDataReader reader)
    {
        var churnDate = reader.GetFieldValue<LocalDate>(1);
        var eventIds = reader.IsDBNull(5) ? [] : reader.GetFieldValue<string[]>(5);
        var contractIds = reader.IsDBNull(6) ? [] : reader.GetFieldValue<string[]>(6);
        var recordedAt = reader.IsDBNull(7) ? [] : reader.GetFieldValue<Instant[]>(7);
        var reasons = reader.IsDBNull(8) ? [] : reader.GetFieldValue<string?[]>(8);
        var publishedBy = reader.IsDBNull(11) ? [] : reader.GetFieldValue<string?[]>(11);
        var via = reader.IsDBNull(12) ? [] : reader.GetFieldValue<string?[]>(12);
        var churnEvents = eventIds.Select((id, i) => new ChurnEvent(id, contractIds[i], churnDate, recordedAt[i], reasons[i], publishedBy[i], via[i])).ToList();
        return new ChurnEntry(
            reader.GetString(0), null, ChurnKinds.Logo, churnDate, reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetDecimal(3),
            churnEvents.LastOrDefault(e => e.Reason is not null)?.Reason, reader.GetFieldValue<string[]>(4), churnEvents,
            reader.IsDBNull(9) ? null : reader.GetFieldValue<LocalDate>(9), History(churnDate, reader.GetFieldValue<decimal[]>(10)));
    }

    private async IAsyncEnumerable<ChurnEntry> ContractsAsync(
        LocalDate from, LocalDate to, Instant knownAt, string? segment, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var command = dataSource.CreateCommand();
        var fromParameter = BelievedMovements.Add(command, from);
        var toParameter = BelievedMovements.Add(command, to);
        var knownAtParameter = BelievedMovements.Add(command, knownAt);
        var churnedType = BelievedMovements.Add(command, _churnedEventType);
        var anywhere = new BelievedMovements(tables, knownAt, segment: null).Filter(command);
        command.CommandText = $"""
            select churn.customer_id, churn.churn_date, churn.sequence, {ArrHistory(anywhere)} as arr_history, churn.published_by, churn.via
            from (select e.stream_id as customer_id, (e.data ->> 'effectiveDate')::date as churn_date, e.seq_id as sequence,
                         e.headers ->> '{Recording.Sender.PublishedByHeader}' as published_by, e.headers ->> '{Recording.Sender.ViaHeader}' as via
                  from {tables.Schema}.mt_events e
                  where e.type = {churnedType} and e.timestamp <= {knownAtParameter}
                    and (e.data ->> 'effectiveDate')::date between {fromParameter} and {toParameter}) churn
            order by churn.churn_date, churn.customer_id collate "C", churn.sequence
            """;
        var churns = ReaderRows.ReadAsync(command, reader => new ContractChurn(
            reader.GetString(0), reader.GetFieldValue<LocalDate>(1), reader.GetInt64(2), reader.GetFieldValue<decimal[]>(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)), cancellation);
        await foreach (var (churn, ledger) in LedgerLookup.JoinAsync(store, churns, c => c.CustomerId, cancellation).ConfigureAwait(false))
        {
            if (ContractEnding(churn, ledger, knownAt, segment) is { } entry)
            {
                yield return entry;
            }
        }
    }

    /// <summary>The contract churn as an entry, unless it was voided by then or it ended the customer (a logo churn).</summary>
    private static ChurnEntry? ContractEnding(ContractChurn churn, CustomerLedger ledger, Instant knownAt, string? segment)
    {
        var timeline = ledger.KnownTimeline(knownAt);
        var ended = timeline.FirstOrDefault(e => e.Sequence == churn.Sequence);
        if (ended is null)
        {
            return null;
        }

        var book = new ContractBook();
        foreach (var entry in timeline.TakeWhile(e => e.EffectiveDate < ended.EffectiveDate))
        {
            book.Apply(entry);
        }

        var arrBefore = book.Contracts.FirstOrDefault(c => c.ContractId == ended.ContractId)?.Arr ?? 0m;
        foreach (var entry in timeline.SkipWhile(e => e.EffectiveDate < ended.EffectiveDate).TakeWhile(e => e.EffectiveDate == ended.EffectiveDate))
        {
            book.Apply(entry);
        }

        if (book.TotalArr == 0m || (segment is not null && book.Segment != segment))
        {
            return null;
        }

        return new ChurnEntry(
            ledger.Id, ended.ContractId, ChurnKinds.Contract, ended.EffectiveDate, book.Segment, arrBefore, ended.Reason, [ended.EventId],
            [new ChurnEvent(ended.EventId, ended.ContractId, ended.EffectiveDate, ended.RecordedAt, ended.Reason, churn.PublishedBy, churn.Via)], null,
            History(ended.EffectiveDate, churn.ArrHistory));
    }

    /// <summary>
    /// The customer's whole ARR at each of the twelve month-ends before the churn date, oldest first, as an array: the
    /// ARR after its last movement on or before each, for the relation <c>churn</c> (customer_id, churn_date).
    /// </summary>
    private string ArrHistory(string believedAnywhere) => $"""
        array(select coalesce((select m.arr_after from {tables.Movements} m
                               where m.customer_id = churn.customer_id
                                 and m.movement_date <= (date_trunc('month', churn.churn_date::timestamp)
                                                         - make_interval(months => months_before - 1) - interval '1 day')::date
                                 and {believedAnywhere}
                               order by m.movement_date desc limit 1), 0)
              from generate_series({HistoryMonths}, 1, -1) months_before order by months_before desc)
        """;

    private static IReadOnlyList<MonthEndArr> History(LocalDate churnDate, decimal[] arr) =>
        [.. MonthEndsBefore(churnDate).Zip(arr, (monthEnd, value) => new MonthEndArr(monthEnd, value))];

    private static async IAsyncEnumerable<ChurnEntry> MergeAsync(
        IAsyncEnumerable<ChurnEntry> logos, IAsyncEnumerable<ChurnEntry> contracts, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var first = logos.GetAsyncEnumerator(cancellation);
        await using (first.ConfigureAwait(false))
        {
            var second = contracts.GetAsyncEnumerator(cancellation);
            await using (second.ConfigureAwait(false))
            {
                var hasFirst = await first.MoveNextAsync().ConfigureAwait(false);
                var hasSecond = await second.MoveNextAsync().ConfigureAwait(false);
                while (hasFirst || hasSecond)
                {
                    if (hasFirst && (!hasSecond || Compare(first.Current, second.Current) <= 0))
                    {
                        yield return first.Current;
                        hasFirst = await first.MoveNextAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        yield return second.Current;
                        hasSecond = await second.MoveNextAsync().ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private static int Compare(ChurnEntry x, ChurnEntry y)
    {
        var byDate = x.ChurnDate.CompareTo(y.ChurnDate);
        if (byDate != 0)
        {
            return byDate;
        }

        var byCustomer = string.CompareOrdinal(x.CustomerId, y.CustomerId);
        return byCustomer != 0 ? byCustomer : (x.Kind == ChurnKinds.Logo ? 0 : 1).CompareTo(y.Kind == ChurnKinds.Logo ? 0 : 1);
    }
}
