using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using CustomerSuccess.Metrics.Bridge;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Retention;

/// <summary>
/// The opening cohort of a period [from, to]: customers active at the end of from - 1 (in the segment,
/// when one is given, as of that day), with o_c = their ARR then and e_c = their whole ARR at to.
/// </summary>
public sealed record CohortFigures(
    int Customers,
    decimal OpeningArr,
    decimal RetainedArrCappedAtOpening,
    decimal ClosingArr,
    int RetainedCustomers);

/// <summary>
/// A cohort member without a movement inside the period ends it where it began (e_c = o_c), so the
/// cohort is the opening totals adjusted by the members that moved: for each, o_c is the ARR before
/// its first movement in the period and e_c the ARR after its last. Only the period's rows are read,
/// in one index range, and folded per customer as they stream in; the opening totals come from the
/// period's bridge, read at the same time.
/// </summary>
public sealed class RetentionCohort(NpgsqlDataSource dataSource, ReadModelTables tables, ArrBridge bridge)
{
    /// <summary>
    /// A large book's period moves tens of thousands of customers: a map that size lands on the large object heap, and
    /// allocating two per request made the collector run full collections. A few are kept and reused.
    /// </summary>
    private const int PooledMaps = 4;

    private static readonly ConcurrentBag<Dictionary<long, Mover>> Maps = [];

    private struct Mover
    {
        public LocalDate First;
        public LocalDate Last;
        public decimal Opening;
        public decimal Closing;
        public string? SegmentBefore;
    }

    /// <summary>The cohort of [from, to], and the bridge of the whole period that gave its opening totals.</summary>
    public async Task<(CohortFigures Cohort, BridgeEntry Bridge)> QueryAsync(
        LocalDate from, LocalDate to, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var bridgeTask = bridge.QueryAsync(from, to, null, knownAt, segment, cancellation);
        var (earlier, later) = (RentMap(), RentMap());
        try
        {
            await MoversAsync(from, to, knownAt, withSegment: segment is not null, earlier, later, cancellation).ConfigureAwait(false);
            var figures = await bridgeTask.ConfigureAwait(false);
            var (openingArr, openingCustomers) = (figures.Summary.OpeningArr, figures.OpeningCustomers);

            decimal change = 0m, shortfall = 0m;
            var lost = 0;
            foreach (var mover in earlier.Values)
            {
                if (mover.Opening <= 0m || (segment is not null && mover.SegmentBefore != segment))
                {
                    continue;
                }

                change += mover.Closing - mover.Opening;
                shortfall += Math.Max(mover.Opening - mover.Closing, 0m);
                lost += mover.Closing == 0m ? 1 : 0;
            }

            var cohort = new CohortFigures(openingCustomers, openingArr, openingArr - shortfall, openingArr + change, openingCustomers - lost);
            return (cohort, figures.Summary);
        }
        finally
        {
            ReturnMap(earlier);
            ReturnMap(later);
        }
    }

    private static Dictionary<long, Mover> RentMap() => Maps.TryTake(out var map) ? map : [];

    private static void ReturnMap(Dictionary<long, Mover> map)
    {
        map.Clear();
        if (Maps.Count < PooledMaps)
        {
            Maps.Add(map);
        }
    }
    /// <summary>
    /// Every customer with a believed movement in [from, to], of any segment, into <paramref name="movers"/>: a member
    /// that changes segment during the period keeps its revenue in the cohort. The segment before each day is read
    /// only <paramref name="withSegment"/>: without a segment every member counts. Sending the rows is most of the
    /// database's work, so the two halves of the period are read at once, on two connections, the later into
    /// <paramref name="later"/>, and joined: a customer's first day is in the earlier half when it moved there, its
    /// last in the later.
    /// </summary>
    private async Task MoversAsync(
        LocalDate from, LocalDate to, Instant knownAt, bool withSegment, Dictionary<long, Mover> movers, Dictionary<long, Mover> later,
        CancellationToken cancellation)
    {
        var middle = from.PlusDays(Period.Between(from, to, PeriodUnits.Days).Days / 2);
        if (middle == to)
        {
            await MoversInAsync(from, to, knownAt, withSegment, movers, cancellation).ConfigureAwait(false);
            return;
        }

        // Both finish before either map is used or handed back, even when one of them fails.
        await Task.WhenAll(
            MoversInAsync(from, middle, knownAt, withSegment, movers, cancellation),
            MoversInAsync(middle.PlusDays(1), to, knownAt, withSegment, later, cancellation)).ConfigureAwait(false);
        foreach (var (customerKey, last) in later)
        {
            ref var mover = ref CollectionsMarshal.GetValueRefOrAddDefault(movers, customerKey, out var known);
            if (known)
            {
                mover.Last = last.Last;
                mover.Closing = last.Closing;
            }
            else
            {
                mover = last;
            }
        }
    }

    private async Task MoversInAsync(
        LocalDate from, LocalDate to, Instant knownAt, bool withSegment, Dictionary<long, Mover> movers, CancellationToken cancellation)
    {
        var believed = new BelievedMovements(tables, knownAt, segment: null);
        await using var command = dataSource.CreateCommand();
        var fromParameter = BelievedMovements.Add(command, from);
        var toParameter = BelievedMovements.Add(command, to);
        command.CommandText =
            $"select m.customer_key, m.movement_date, m.arr_before, m.arr_after{(withSegment ? ", m.segment_before" : "")} " +
            $"from {believed.Table} m where m.movement_date between {fromParameter} and {toParameter} and {believed.Filter(command)}";

        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            var date = reader.GetFieldValue<LocalDate>(1);
            ref var mover = ref CollectionsMarshal.GetValueRefOrAddDefault(movers, reader.GetInt64(0), out var known);
            if (!known)
            {
                mover = new Mover
                {
                    First = date, Last = date, Opening = reader.GetDecimal(2), Closing = reader.GetDecimal(3), SegmentBefore = SegmentBefore(reader),
                };
                continue;
            }

            // Rows of one day share the customer's ARR and segment before and after it.
            if (date < mover.First)
            {
                mover.First = date;
                mover.Opening = reader.GetDecimal(2);
                mover.SegmentBefore = SegmentBefore(reader);
            }

            if (date > mover.Last)
            {
                mover.Last = date;
                mover.Closing = reader.GetDecimal(3);
            }
        }

        string? SegmentBefore(NpgsqlDataReader reader) => withSegment && !reader.IsDBNull(4) ? reader.GetString(4) : null;
    }
}
