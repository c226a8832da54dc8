using CustomerSuccess.Metrics.ArrChanges;
using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Movements;
using Marten;
using NodaTime;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// Collects, for one projection batch, how the believed movements and customer details changed and which customers
/// the batch brought, and writes them in a few set-based statements: closes rows believed before the batch, inserts
/// the rows the batch learnt (already closed when the batch itself gave them up), and adjusts the daily totals,
/// copying them to a checkpoint first where one is due.
/// </summary>
internal sealed class LedgerRows
{
    private readonly ReadModelTables _tables;
    private readonly KnowledgeSteps<Movement> _movements = new((a, b) => a.SameAs(b));
    private readonly KnowledgeSteps<DetailsChange> _details = new((a, b) => a == b);
    private readonly Dictionary<string, long> _customerKeys = new(StringComparer.Ordinal);
    private readonly List<(Movement Movement, int Sign)> _dailyChanges = [];
    private readonly List<(string CustomerId, Instant KnownFrom)> _newCustomers = [];
    private readonly List<FeedEntry> _feed = [];
    private readonly Action<Movement, int> _countDaily;
    private readonly bool _publishing;

    /// <param name="tables">Where the rows go.</param>
    /// <param name="publishing">Whether the steps are being learnt for the first time, and so are told to subscribers; not in a replay.</param>
    public LedgerRows(ReadModelTables tables, bool publishing)
    {
        _tables = tables;
        _publishing = publishing;
        _countDaily = (movement, sign) => _dailyChanges.Add((movement, sign));
    }

    /// <summary>Records the step from <paramref name="believed"/> to <paramref name="next"/> movements at one knowledge instant.</summary>
    public void Change(string customerId, long customerKey, IReadOnlyList<Movement> believed, IReadOnlyList<Movement> next, Instant at)
    {
        _customerKeys[customerId] = customerKey;
        _movements.Change(customerId, believed, next, at, _countDaily);
        if (_publishing)
        {
            _feed.AddRange(ArrChangeFeed.Between(customerId, believed, next, at));
        }
    }

    /// <summary>Records the step from <paramref name="believed"/> to <paramref name="next"/> name and segment changes at one knowledge instant.</summary>
    public void ChangeDetails(string customerId, IReadOnlyList<DetailsChange> believed, IReadOnlyList<DetailsChange> next, Instant at) =>
        _details.Change(customerId, believed, next, at);

    /// <summary>A customer whose first event was recorded at <paramref name="knownFrom"/>.</summary>
    public void Add(string customerId, Instant knownFrom) => _newCustomers.Add((customerId, knownFrom));

    /// <summary>
    /// Queues the batch's writes. <paramref name="checkpointsBefore"/> are the recorded instants just before
    /// which a checkpoint of the daily totals is due. Each is taken last, as the totals believed now less the
    /// rows learnt since that instant plus the rows given up since: exact however the batch cuts the log.
    /// </summary>
    public void Queue(IDocumentOperations operations, IEnumerable<Instant> checkpointsBefore)
    {
        QueueMovements(operations);
        QueueFeed(operations);
        QueueDetails(operations);
        QueueCustomers(operations);
        QueueDailyTotals(operations);
        foreach (var before in checkpointsBefore.Order())
        {
            operations.QueueSqlCommand(
                $"insert into {_tables.Checkpoints} (known_at, movement_date, segment, kind, amount, arr_delta, logo_delta, movements) " +
                "select ?::timestamptz, movement_date, segment, kind, sum(amount), sum(arr_delta), sum(logo_delta), sum(movements) " +
                $"from ({BelievedMovements.FromTotalsNow(_tables, "?::timestamptz", "true")}) believed " +
                "group by movement_date, segment, kind having sum(movements) <> 0 on conflict do nothing",
                before - KnowledgeCheckpoints.Resolution, before - KnowledgeCheckpoints.Resolution,
                before - KnowledgeCheckpoints.Resolution, before - KnowledgeCheckpoints.Resolution);
        }
    }

    private void QueueMovements(IDocumentOperations operations)
    {
        var givenUp = _movements.GivenUpRows;
        if (givenUp.Count > 0)
        {
            operations.QueueSqlCommand(
                $"update {_tables.Movements} m set known_to = u.t " +
                "from unnest(?::varchar[], ?::date[], ?::varchar[], ?::timestamptz[]) as u(c, d, k, t) " +
                "where m.customer_id = u.c and m.movement_date = u.d and m.kind = u.k and m.known_to is null",
                givenUp.Select(g => g.CustomerId).ToArray(),
                givenUp.Select(g => g.Row.Date).ToArray(),
                givenUp.Select(g => g.Row.Kind).ToArray(),
                givenUp.Select(g => g.KnownTo).ToArray());
            QueueForgetUnbelieved(operations, _tables.Movements, givenUp.Select(g => g.CustomerId));
        }

        var learnt = _movements.LearntRows;
        if (learnt.Count > 0)
        {
            operations.QueueSqlCommand(
                $"insert into {_tables.Movements} " +
                "(customer_id, customer_key, movement_date, kind, segment, amount, arr_delta, logo_delta, event_ids, arr_before, " +
                "arr_after, segment_before, known_from, known_to) " +
                "select c, ck, d, k, s, a, ad, ld, string_to_array(ids, ','), ab, aa, sb, f, t " +
                "from unnest(?::varchar[], ?::bigint[], ?::date[], ?::varchar[], ?::varchar[], ?::numeric[], ?::numeric[], ?::integer[], " +
                "?::text[], ?::numeric[], ?::numeric[], ?::varchar[], ?::timestamptz[], ?::timestamptz[]) " +
                "as u(c, ck, d, k, s, a, ad, ld, ids, ab, aa, sb, f, t)",
                learnt.Select(p => p.CustomerId).ToArray(),
                learnt.Select(p => _customerKeys[p.CustomerId]).ToArray(),
                learnt.Select(p => p.Row.Date).ToArray(),
                learnt.Select(p => p.Row.Kind).ToArray(),
                learnt.Select(p => p.Row.Segment).ToArray(),
                learnt.Select(p => p.Row.Amount).ToArray(),
                learnt.Select(p => p.Row.ArrDelta).ToArray(),
                learnt.Select(p => p.Row.LogoDelta).ToArray(),
                learnt.Select(p => string.Join(',', p.Row.EventIds)).ToArray(),
                learnt.Select(p => p.Row.ArrBefore).ToArray(),
                learnt.Select(p => p.Row.ArrAfter).ToArray(),
                learnt.Select(p => p.Row.SegmentBefore).ToArray(),
                learnt.Select(p => p.KnownFrom).ToArray(),
                learnt.Select(p => p.KnownTo).ToArray());
        }
    }

    private void QueueFeed(IDocumentOperations operations)
    {
        // In the order learnt, which is recorded order: ids rise with it.
        var entries = _feed.OrderBy(e => e.RecordedAt).ToList();
        if (entries.Count > 0)
        {
            operations.QueueSqlCommand(
                $"insert into {_tables.ArrChangeFeed} (recorded_at, type, customer_id, body) " +
                "select r, t, c, b::jsonb from unnest(?::timestamptz[], ?::varchar[], ?::varchar[], ?::text[]) with ordinality as u(r, t, c, b, n) order by n",
                entries.Select(e => e.RecordedAt).ToArray(),
                entries.Select(e => e.Type).ToArray(),
                entries.Select(e => e.CustomerId).ToArray(),
                entries.Select(e => e.Json).ToArray());
        }
    }

    private void QueueDetails(IDocumentOperations operations)
    {
        var givenUp = _details.GivenUpRows;
        if (givenUp.Count > 0)
        {
            operations.QueueSqlCommand(
                $"update {_tables.CustomerDetails} d set known_to = given_up.known_to " +
                "from unnest(?::varchar[], ?::date[], ?::timestamptz[]) as given_up(customer_id, effective_date, known_to) " +
                "where d.customer_id = given_up.customer_id and d.effective_date = given_up.effective_date and d.known_to is null",
                givenUp.Select(g => g.CustomerId).ToArray(),
                givenUp.Select(g => g.Row.Date).ToArray(),
                givenUp.Select(g => g.KnownTo).ToArray());
            QueueForgetUnbelieved(operations, _tables.CustomerDetails, givenUp.Select(g => g.CustomerId));
        }

        var learnt = _details.LearntRows;
        if (learnt.Count > 0)
        {
            operations.QueueSqlCommand(
                $"insert into {_tables.CustomerDetails} (customer_id, effective_date, name, segment, csm, known_from, known_to) " +
                "select * from unnest(?::varchar[], ?::date[], ?::varchar[], ?::varchar[], ?::varchar[], ?::timestamptz[], ?::timestamptz[])",
                learnt.Select(p => p.CustomerId).ToArray(),
                learnt.Select(p => p.Row.Date).ToArray(),
                learnt.Select(p => p.Row.Name).ToArray(),
                learnt.Select(p => p.Row.Segment).ToArray(),
                learnt.Select(p => p.Row.Csm).ToArray(),
                learnt.Select(p => p.KnownFrom).ToArray(),
                learnt.Select(p => p.KnownTo).ToArray());
        }
    }

    /// <summary>A rebuild can split one recorded instant over two batches: a row believed for no time says nothing.</summary>
    private static void QueueForgetUnbelieved(IDocumentOperations operations, string table, IEnumerable<string> customerIds) =>
        operations.QueueSqlCommand(
            $"delete from {table} where customer_id = any(?::varchar[]) and known_to = known_from",
            (object)customerIds.Distinct().ToArray());

    private void QueueCustomers(IDocumentOperations operations)
    {
        if (_newCustomers.Count > 0)
        {
            operations.QueueSqlCommand(
                $"insert into {_tables.Customers} (customer_id, known_from) " +
                "select * from unnest(?::varchar[], ?::timestamptz[]) on conflict (customer_id) do nothing",
                _newCustomers.Select(c => c.CustomerId).ToArray(),
                _newCustomers.Select(c => c.KnownFrom).ToArray());
        }
    }

    private void QueueDailyTotals(IDocumentOperations operations)
    {
        if (_dailyChanges.Count == 0)
        {
            return;
        }

        operations.QueueSqlCommand(
            $"insert into {_tables.DailyTotals} as t (movement_date, segment, kind, amount, arr_delta, logo_delta, movements) " +
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
