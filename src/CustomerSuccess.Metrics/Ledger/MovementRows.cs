using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Movements;
using Marten;
using NodaTime;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// Collects, for one projection batch, how the believed movements changed, and writes them in a few
/// set-based statements: closes rows believed before the batch, inserts the rows the batch learnt
/// (already closed when the batch itself gave them up), and adjusts the daily totals, copying them
/// to a checkpoint first where one is due.
/// </summary>
internal sealed class MovementRows(ReadModelTables tables)
{
    private sealed record Pending(string CustomerId, long CustomerKey, Movement Movement, Instant KnownFrom)
    {
        public Instant? KnownTo { get; set; }
    }

    private readonly List<Pending> _learnt = [];
    private readonly Dictionary<string, List<Pending>> _learntByCustomer = new(StringComparer.Ordinal);
    private readonly List<(string CustomerId, Movement Movement, Instant KnownTo)> _givenUp = [];
    private readonly List<(Movement Movement, int Sign)> _dailyChanges = [];

    /// <summary>Records the step from <paramref name="believed"/> to <paramref name="next"/> at one knowledge instant.</summary>
    public void Change(string customerId, long customerKey, IReadOnlyList<Movement> believed, IReadOnlyList<Movement> next, Instant at)
    {
        foreach (var retracted in believed.Where(b => !next.Any(n => n.SameAs(b))))
        {
            _dailyChanges.Add((retracted, -1));
            var learnt = _learntByCustomer.GetValueOrDefault(customerId)?.Find(p => p.KnownTo is null && p.Movement.SameAs(retracted));
            if (learnt is null)
            {
                _givenUp.Add((customerId, retracted, at));
            }
            else if (learnt.KnownFrom == at)
            {
                _learnt.Remove(learnt);
                _learntByCustomer[customerId].Remove(learnt);
            }
            else
            {
                learnt.KnownTo = at;
            }
        }

        foreach (var added in next.Where(n => !believed.Any(b => b.SameAs(n))))
        {
            _dailyChanges.Add((added, 1));
            var pending = new Pending(customerId, customerKey, added, at);
            _learnt.Add(pending);
            if (!_learntByCustomer.TryGetValue(customerId, out var ofCustomer))
            {
                _learntByCustomer[customerId] = ofCustomer = [];
            }

            ofCustomer.Add(pending);
        }
    }

    /// <summary>
    /// Queues the batch's writes. <paramref name="checkpointsBefore"/> are the recorded instants just before
    /// which a checkpoint of the daily totals is due. Each is taken last, as the totals believed now less the
    /// rows learnt since that instant plus the rows given up since: exact however the batch cuts the log.
    /// </summary>
    public void Queue(IDocumentOperations operations, IEnumerable<Instant> checkpointsBefore)
    {
        QueueMovements(operations);
        QueueDailyTotals(operations);
        foreach (var before in checkpointsBefore.Order())
        {
            operations.QueueSqlCommand(
                $"insert into {tables.Checkpoints} (known_at, movement_date, segment, kind, amount, arr_delta, logo_delta, movements) " +
                "select ?::timestamptz, movement_date, segment, kind, sum(amount), sum(arr_delta), sum(logo_delta), sum(movements) " +
                $"from ({BelievedMovements.FromTotalsNow(tables, "?::timestamptz", "true")}) believed " +
                "group by movement_date, segment, kind having sum(movements) <> 0 on conflict do nothing",
                before - KnowledgeCheckpoints.Resolution, before - KnowledgeCheckpoints.Resolution,
                before - KnowledgeCheckpoints.Resolution, before - KnowledgeCheckpoints.Resolution);
        }
    }

    private void QueueMovements(IDocumentOperations operations)
    {
        if (_givenUp.Count > 0)
        {
            operations.QueueSqlCommand(
                $"update {tables.Movements} m set known_to = u.t " +
                "from unnest(?::varchar[], ?::date[], ?::varchar[], ?::timestamptz[]) as u(c, d, k, t) " +
                "where m.customer_id = u.c and m.movement_date = u.d and m.kind = u.k and m.known_to is null",
                _givenUp.Select(g => g.CustomerId).ToArray(),
                _givenUp.Select(g => g.Movement.Date).ToArray(),
                _givenUp.Select(g => g.Movement.Kind).ToArray(),
                _givenUp.Select(g => g.KnownTo).ToArray());

            // A rebuild can split one recorded instant over two batches: a row believed for no time says nothing.
            operations.QueueSqlCommand(
                $"delete from {tables.Movements} where customer_id = any(?::varchar[]) and known_to = known_from",
                (object)_givenUp.Select(g => g.CustomerId).Distinct().ToArray());
        }

        if (_learnt.Count > 0)
        {
            operations.QueueSqlCommand(
                $"insert into {tables.Movements} " +
                "(customer_id, customer_key, movement_date, kind, segment, amount, arr_delta, logo_delta, event_ids, arr_before, " +
                "arr_after, segment_before, known_from, known_to) " +
                "select c, ck, d, k, s, a, ad, ld, string_to_array(ids, ','), ab, aa, sb, f, t " +
                "from unnest(?::varchar[], ?::bigint[], ?::date[], ?::varchar[], ?::varchar[], ?::numeric[], ?::numeric[], ?::integer[], " +
                "?::text[], ?::numeric[], ?::numeric[], ?::varchar[], ?::timestamptz[], ?::timestamptz[]) " +
                "as u(c, ck, d, k, s, a, ad, ld, ids, ab, aa, sb, f, t)",
                _learnt.Select(p => p.CustomerId).ToArray(),
                _learnt.Select(p => p.CustomerKey).ToArray(),
                _learnt.Select(p => p.Movement.Date).ToArray(),
                _learnt.Select(p => p.Movement.Kind).ToArray(),
                _learnt.Select(p => p.Movement.Segment).ToArray(),
                _learnt.Select(p => p.Movement.Amount).ToArray(),
                _learnt.Select(p => p.Movement.ArrDelta).ToArray(),
                _learnt.Select(p => p.Movement.LogoDelta).ToArray(),
                _learnt.Select(p => string.Join(',', p.Movement.EventIds)).ToArray(),
                _learnt.Select(p => p.Movement.ArrBefore).ToArray(),
                _learnt.Select(p => p.Movement.ArrAfter).ToArray(),
                _learnt.Select(p => p.Movement.SegmentBefore).ToArray(),
                _learnt.Select(p => p.KnownFrom).ToArray(),
                _learnt.Select(p => p.KnownTo).ToArray());
        }
    }

    private void QueueDailyTotals(IDocumentOperations operations)
    {
        if (_dailyChanges.Count == 0)
        {
            return;
        }

        operations.QueueSqlCommand(
            $"insert into {tables.DailyTotals} as t (movement_date, segment, kind, amount, arr_delta, logo_delta, movements) " +
            "select d, s, k, sum(a * n), sum(ad * n), sum(ld * n), sum(n) " +
            "from unnest(?::date[], ?::varchar[], ?::varchar[], ?::numeric[], ?::numeric[], ?::integer[], ?::integer[]) " +
            "as u(d, s, k, a, ad, ld, n) group by d, s, k " +
            "on conflict (movement_date, segment, kind) do update set amount = t.amount + excluded.amount, " +
            "arr_delta = t.arr_delta + excluded.arr_delta, logo_delta = t.logo_delta + excluded.logo_delta, " +
            "movements = t.movements + excluded.movements",
            _dailyChanges.Select(c => c.Movement.Date).ToArray(),
            _dailyChanges.Select(c => c.Movement.Segment ?? "").ToArray(),
            _dailyChanges.Select(c => c.Movement.Kind).ToArray(),
            _dailyChanges.Select(c => c.Movement.Amount).ToArray(),
            _dailyChanges.Select(c => c.Movement.ArrDelta).ToArray(),
            _dailyChanges.Select(c => c.Movement.LogoDelta).ToArray(),
            _dailyChanges.Select(c => c.Sign).ToArray());
    }
}
