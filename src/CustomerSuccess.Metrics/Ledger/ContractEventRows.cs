using System.Runtime.CompilerServices;
using System.Text.Json;
using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Events;
using JasperFx.Events;
using Marten;
using Npgsql;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// The contract-event table: a row per contract event, as its timeline entry, known from its recorded instant until a
/// void's. Figures that follow contracts read it instead of decoding each customer's whole stream from the event log.
/// </summary>
public static class ContractEventRows
{
    /// <summary>
    /// Queues the rows of a batch's contract events, all in one statement, then the ends of those its voids retract: a
    /// void may come in the same batch as the event it retracts.
    /// </summary>
    public static void Queue(IDocumentOperations operations, ReadModelTables tables, IReadOnlyList<IEvent> customerEvents)
    {
        var rows = customerEvents
            .Where(e => e.Data is IContractEvent)
            .Select(e => Row(e.StreamKey!, TimelineEntry.From((IContractEvent)e.Data, e.Sequence, Instant.FromDateTimeOffset(e.Timestamp))))
            .ToList();
        if (rows.Count > 0)
        {
            // One JSON array read as typed records: absent fields are nulls of their column's type.
            operations.QueueSqlCommand(
                $"insert into {tables.ContractEvents} ({Columns}) select {Columns} from jsonb_to_recordset(?::jsonb) as r({Types}) " +
                "on conflict (event_id) do nothing",
                JsonSerializer.Serialize(rows));
        }

        foreach (var e in customerEvents.Where(e => e.Data is EventVoided))
        {
            operations.QueueSqlCommand(
                $"update {tables.ContractEvents} set known_to = ? where event_id = ? and known_to is null",
                Instant.FromDateTimeOffset(e.Timestamp), ((EventVoided)e.Data).VoidedEventId);
        }
    }

    /// <summary>
    /// The contract timeline, as known at <c>@knownAt</c> and in effective order, of each customer that
    /// <paramref name="customerIds"/> (an SQL query of customer ids) selects and that has one; customers in id order.
    /// </summary>
    public static async IAsyncEnumerable<(string CustomerId, IReadOnlyList<TimelineEntry> Timeline)> TimelinesAsync(
        NpgsqlDataSource dataSource, ReadModelTables tables, string customerIds, IEnumerable<NpgsqlParameter> parameters,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"""
             select e.customer_id, e.event_id, e.type, e.sequence, e.known_from, e.effective_date, e.contract_id, e.change, e.amount,
                    e.term_end, e.product, e.reason, e.name, e.segment, e.csm
             from {tables.ContractEvents} e
             where e.customer_id in ({customerIds})
               and {ReadModelTables.Believed("e")}
             order by e.customer_id collate "C", e.effective_date, e.sequence
             """);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        string? current = null;
        var timeline = new List<TimelineEntry>();
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            var customerId = reader.GetString(0);
            if (current is not null && customerId != current)
            {
                yield return (current, timeline);
                timeline = [];
            }

            current = customerId;
            string? Text(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
            var name = Text(12);
            var segment = Text(13);
            var csm = Text(14);
            timeline.Add(new TimelineEntry(
                reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetFieldValue<Instant>(4),
                reader.GetFieldValue<LocalDate>(5), reader.GetString(6), Enum.Parse<ContractChange>(reader.GetString(7)),
                reader.GetDecimal(8), reader.IsDBNull(9) ? null : reader.GetFieldValue<LocalDate>(9), Text(10), Text(11),
                name is null && segment is null && csm is null ? null : new CustomerDetails(name, segment, csm)));
        }

        if (current is not null)
        {
            yield return (current, timeline);
        }
    }

    private static Dictionary<string, object?> Row(string customerId, TimelineEntry entry) => new()
    {
        ["event_id"] = entry.EventId,
        ["customer_id"] = customerId,
        ["type"] = entry.Type,
        ["sequence"] = entry.Sequence,
        ["known_from"] = InstantPattern.ExtendedIso.Format(entry.RecordedAt),
        ["effective_date"] = LocalDatePattern.Iso.Format(entry.EffectiveDate),
        ["contract_id"] = entry.ContractId,
        ["change"] = entry.Change.ToString(),
        ["amount"] = entry.Amount,
        ["term_end"] = entry.TermEndDate is { } end ? LocalDatePattern.Iso.Format(end) : null,
        ["product"] = entry.Product,
        ["reason"] = entry.Reason,
        ["name"] = entry.Customer?.Name,
        ["segment"] = entry.Customer?.Segment,
        ["csm"] = entry.Customer?.Csm,
    };

    private const string Types =
        "event_id varchar, customer_id varchar, type varchar, sequence bigint, known_from timestamptz, effective_date date, " +
        "contract_id varchar, change varchar, amount numeric, term_end date, product varchar, reason varchar, name varchar, " +
        "segment varchar, csm varchar";

    private static readonly string Columns = string.Join(", ", Types.Split(", ").Select(c => c.Split(' ')[0]));
}
