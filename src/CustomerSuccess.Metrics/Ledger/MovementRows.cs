using CustomerSuccess.Metrics.Movements;
using Marten;
using NodaTime;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>Writes the difference between what was believed and what is now believed about a customer's movements.</summary>
internal static class MovementRows
{
    public static void QueueChanges(
        IDocumentOperations operations, ReadModelTables tables, string customerId,
        IReadOnlyList<Movement> believed, IReadOnlyList<Movement> next, Instant knownFrom)
    {
        var retracted = believed.Where(b => !next.Any(n => n.SameAs(b))).ToList();
        var added = next.Where(n => !believed.Any(b => b.SameAs(n))).ToList();

        if (retracted.Count > 0)
        {
            operations.QueueSqlCommand(
                $"update {tables.Movements} set known_to = ? where customer_id = ? and known_to is null " +
                "and (movement_date, kind) in (select * from unnest(?::date[], ?::varchar[]))",
                knownFrom, customerId,
                retracted.Select(m => m.Date).ToArray(), retracted.Select(m => m.Kind).ToArray());

            // A row believed for no time at all (several knowledge steps at one instant) says nothing.
            operations.QueueSqlCommand(
                $"delete from {tables.Movements} where customer_id = ? and known_to = known_from", customerId);
        }

        if (retracted.Count > 0 || added.Count > 0)
        {
            QueueDailyTotals(operations, tables, retracted.Select(m => (m, -1)).Concat(added.Select(m => (m, 1))).ToList());
        }

        if (added.Count > 0)
        {
            operations.QueueSqlCommand(
                $"insert into {tables.Movements} " +
                "(customer_id, movement_date, kind, segment, amount, arr_delta, logo_delta, event_ids, known_from) " +
                "select ?, d, k, s, a, ad, ld, string_to_array(ids, ','), ? " +
                "from unnest(?::date[], ?::varchar[], ?::varchar[], ?::numeric[], ?::numeric[], ?::integer[], ?::text[]) " +
                "as u(d, k, s, a, ad, ld, ids)",
                customerId, knownFrom,
                added.Select(m => m.Date).ToArray(),
                added.Select(m => m.Kind).ToArray(),
                added.Select(m => m.Segment).ToArray(),
                added.Select(m => m.Amount).ToArray(),
                added.Select(m => m.ArrDelta).ToArray(),
                added.Select(m => m.LogoDelta).ToArray(),
                added.Select(m => string.Join(',', m.EventIds)).ToArray());
        }
    }

    private static void QueueDailyTotals(IDocumentOperations operations, ReadModelTables tables, IReadOnlyList<(Movement Movement, int Sign)> changes)
    {
        operations.QueueSqlCommand(
            $"insert into {tables.DailyTotals} as t (movement_date, segment, kind, amount, arr_delta, logo_delta, movements) " +
            "select d, s, k, sum(a * n), sum(ad * n), sum(ld * n), sum(n) " +
            "from unnest(?::date[], ?::varchar[], ?::varchar[], ?::numeric[], ?::numeric[], ?::integer[], ?::integer[]) " +
            "as u(d, s, k, a, ad, ld, n) group by d, s, k " +
            "on conflict (movement_date, segment, kind) do update set amount = t.amount + excluded.amount, " +
            "arr_delta = t.arr_delta + excluded.arr_delta, logo_delta = t.logo_delta + excluded.logo_delta, " +
            "movements = t.movements + excluded.movements",
            changes.Select(c => c.Movement.Date).ToArray(),
            changes.Select(c => c.Movement.Segment ?? "").ToArray(),
            changes.Select(c => c.Movement.Kind).ToArray(),
            changes.Select(c => c.Movement.Amount).ToArray(),
            changes.Select(c => c.Movement.ArrDelta).ToArray(),
            changes.Select(c => c.Movement.LogoDelta).ToArray(),
            changes.Select(c => c.Sign).ToArray());
    }
}
