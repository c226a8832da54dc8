using CustomerSuccess.Metrics.Ledger;
using JasperFx.Events;
using Marten;
using Npgsql;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Periods;

/// <summary>A figure of a month that changed between two instants, and the events recorded in between that changed it.</summary>
public sealed record FigureChange(PeriodFigure Figure, decimal? Before, decimal? After, IReadOnlyList<string> EventIds);

/// <summary>A closed month whose figures changed after it was reported.</summary>
public sealed record PeriodRestatement(PeriodState State, Instant Since, IReadOnlyList<FigureChange> Changes);

/// <summary>
/// What changed in a month's figures between two knowledge instants, figure by figure, with the events recorded in
/// between that caused each change: a customer's events cause a figure's change when the customer's part in the figure
/// (<see cref="CustomerShare"/>) changed; retention spend recorded or voided for the month causes changes to the spend
/// and the cost of retention.
/// </summary>
public sealed class Restatements(IDocumentStore store, NpgsqlDataSource dataSource, ReadModelTables tables, PeriodReport report)
{
    /// <summary>The figures that differ between <paramref name="before"/> (known at <paramref name="since"/>) and <paramref name="after"/> (known at <paramref name="until"/>).</summary>
    public async Task<IReadOnlyList<FigureChange>> CompareAsync(
        YearMonth month, Instant since, PeriodFigures before, Instant until, PeriodFigures after, CancellationToken cancellation)
    {
        var differing = after.DifferingFrom(before);
        if (differing.Count == 0)
        {
            return [];
        }

        var dates = new PeriodDates(month);
        var causes = differing.ToDictionary(f => f.Name, _ => new List<(long Sequence, string EventId)>(), StringComparer.Ordinal);
        foreach (var (sequence, eventId) in await CostCausesAsync(dates, since, until, cancellation).ConfigureAwait(false))
        {
            foreach (var figure in (string[])["retentionCost", "costOfRetention"])
            {
                causes.GetValueOrDefault(figure)?.Add((sequence, eventId));
            }
        }

        var changed = CustomerStreams.WithEventsAsync(
            dataSource, tables, since, until, "e.data ? 'voidedEventId' or (e.data ->> 'effectiveDate')::date <= $3", [dates.To], cancellation);
        await foreach (var (_, ledger) in LedgerLookup.JoinAsync(store, changed, c => c, cancellation).ConfigureAwait(false))
        {
            var (then, now) = (CustomerShare.Of(ledger, since, dates), CustomerShare.Of(ledger, until, dates));
            var recorded = ledger.Entries.Where(e => e.RecordedAt > since && e.RecordedAt <= until).Select(e => (e.Sequence, e.EventId))
                .Concat(ledger.Voids.Where(v => v.RecordedAt > since && v.RecordedAt <= until).Select(v => (v.Sequence, v.EventId)))
                .ToList();
            foreach (var figure in differing.Where(f => then.DiffersIn(f.Name, now)))
            {
                causes[figure.Name].AddRange(recorded);
            }
        }

        return [.. differing.Select(f => new FigureChange(f, f.Read(before), f.Read(after),
            [.. causes[f.Name].OrderBy(c => c.Sequence).Select(c => c.EventId).Distinct(StringComparer.Ordinal)]))];
    }

    /// <summary>
    /// Every month closed as known at <paramref name="until"/> whose figures changed after <paramref name="since"/>, or
    /// after its close when that came later: changes known at the close were reported with it.
    /// </summary>
    public async Task<IReadOnlyList<PeriodRestatement>> ListAsync(Instant since, Instant until, CancellationToken cancellation)
    {
        var restatements = new List<PeriodRestatement>();
        foreach (var state in await ClosedMonthsAsync(until, cancellation).ConfigureAwait(false))
        {
            var close = state.LastClose!;
            var (from, before) = close.KnownAt!.Value >= since
                ? (close.KnownAt.Value, close.Reported!)
                : (since, await report.QueryAsync(state.Month, since, cancellation).ConfigureAwait(false));
            var after = await report.QueryAsync(state.Month, until, cancellation).ConfigureAwait(false);
            var changes = await CompareAsync(state.Month, from, before, until, after, cancellation).ConfigureAwait(false);
            if (changes.Count > 0)
            {
                restatements.Add(new PeriodRestatement(state, from, changes));
            }
        }

        return restatements;
    }

    private async Task<IReadOnlyList<PeriodState>> ClosedMonthsAsync(Instant until, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey!.StartsWith(StreamKeys.PeriodPrefix) && e.Timestamp <= until.ToDateTimeOffset())
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellation).ConfigureAwait(false);
        return [.. events.GroupBy(e => e.StreamKey!, StringComparer.Ordinal)
            .Select(g => PeriodState.From(YearMonthPattern.Iso.Parse(g.Key[StreamKeys.PeriodPrefix.Length..]).Value, g))
            .Where(s => s.IsClosed)
            .OrderBy(s => s.Month)];
    }

    /// <summary>Retention spend for the month recorded in (since, until], and voids of spend for the month recorded then.</summary>
    private async Task<IReadOnlyList<(long Sequence, string EventId)>> CostCausesAsync(
        PeriodDates dates, Instant since, Instant until, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"select e.seq_id, e.data ->> 'eventId' from {tables.Schema}.mt_events e where e.stream_id = $1 " +
            "and e.timestamp > $2 and e.timestamp <= $3 and exists (select 1 from " + tables.RetentionCosts + " c " +
            "where c.event_id = coalesce(e.data ->> 'voidedEventId', e.data ->> 'eventId') and c.cost_date between $4 and $5) " +
            "order by e.seq_id");
        command.Parameters.Add(new NpgsqlParameter { Value = StreamKeys.RetentionCosts });
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        command.Parameters.Add(new NpgsqlParameter { Value = until });
        command.Parameters.Add(new NpgsqlParameter { Value = dates.From });
        command.Parameters.Add(new NpgsqlParameter { Value = dates.To });
        var causes = new List<(long, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            causes.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return causes;
    }
}
