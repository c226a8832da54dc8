using System.Runtime.CompilerServices;
using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using Marten;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Explain;

/// <summary>An event behind a contract's ARR; a voided one is listed too, marked, though it counts for nothing.</summary>
public sealed record ExplainedEvent(string EventId, string Type, LocalDate EffectiveDate, Instant RecordedAt, bool Voided);

public sealed record ExplainedContract(string ContractId, decimal Arr, IReadOnlyList<ExplainedEvent> Events);

public sealed record ExplainedCustomer(string CustomerId, decimal Arr, IReadOnlyList<ExplainedContract> Contracts);

/// <summary>
/// Total ARR at the end of a day taken apart: each customer that carries some of it, by customer id, with its share
/// summed from the very movement rows whose sum is the total (<see cref="Arr.ArrAsOf"/>); each customer's contracts
/// with ARR then, from its timeline as known at the instant; and each contract's events up to that day.
/// </summary>
public sealed class ArrExplanation(NpgsqlDataSource dataSource, ReadModelTables tables, IDocumentStore store)
{
    public async IAsyncEnumerable<ExplainedCustomer> CustomersAsync(
        LocalDate asOf, Instant knownAt, string? segment, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var command = dataSource.CreateCommand();
        var asOfParameter = BelievedMovements.Add(command, asOf);
        var believed = new BelievedMovements(tables, knownAt, segment).Filter(command);
        command.CommandText = $"""
            select m.customer_id, sum(m.arr_delta) as arr
            from {tables.Movements} m
            where m.movement_date <= {asOfParameter} and {believed}
            group by m.customer_id
            having sum(m.arr_delta) <> 0
            order by m.customer_id collate "C"
            """;
        var shares = ReaderRows.ReadAsync(command, reader => (CustomerId: reader.GetString(0), Arr: reader.GetDecimal(1)), cancellation);
        await foreach (var (share, ledger) in LedgerLookup.JoinAsync(store, shares, s => s.CustomerId, cancellation).ConfigureAwait(false))
        {
            yield return new ExplainedCustomer(share.CustomerId, share.Arr, Contracts(ledger, asOf, knownAt));
        }
    }

    /// <summary>The contracts with ARR at the end of <paramref name="asOf"/>, by opening date then id, each with its events by then.</summary>
    public static IReadOnlyList<ExplainedContract> Contracts(CustomerLedger ledger, LocalDate asOf, Instant knownAt)
    {
        var book = ContractBook.AsOf(ledger.KnownTimeline(knownAt), asOf);
        var recorded = TimelineEntry.InEffectiveOrder(ledger.Entries.Where(e => e.RecordedAt <= knownAt && e.EffectiveDate <= asOf));
        return
        [
            .. book.Contracts.Where(c => c.Arr > 0m)
                .OrderBy(c => c.OpenedOn).ThenBy(c => c.ContractId, StringComparer.Ordinal)
                .Select(c => new ExplainedContract(c.ContractId, c.Arr, [
                    .. recorded.Where(e => e.ContractId == c.ContractId).Select(e => new ExplainedEvent(
                        e.EventId, e.Type, e.EffectiveDate, e.RecordedAt, ledger.VoidOf(e.EventId) is { } v && v.RecordedAt <= knownAt)),
                ])),
        ];
    }
}
