using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Periods;
using CustomerSuccess.Metrics.Recording;
using Marten;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Audit;

/// <summary>
/// One event of the log as recorded. <see cref="Amount"/> is the figure the event carried (<c>arr</c>,
/// <c>arrIncrease</c>, <c>arrDecrease</c> or a retention cost's <c>amount</c>); <see cref="EffectiveDate"/> a contract
/// or signal event's effective date or a retention cost's date; <see cref="CustomerId"/> the customer a contract or
/// signal event is about; <see cref="Period"/> the month a close or reopening is of.
/// </summary>
public sealed record LoggedEvent(
    long Sequence,
    Instant RecordedAt,
    string EventId,
    string Type,
    string? CustomerId,
    string? ContractId,
    LocalDate? EffectiveDate,
    decimal? Amount,
    LocalDate? TermEndDate,
    string? Reason,
    string? VoidedEventId,
    string? Category,
    string? Period,
    string? PublishedBy,
    string? Via);

/// <summary>
/// The whole event log as known at an instant, in recorded order, read straight from the event store row by row, so
/// that exporting every event holds one row in memory at a time. The log is read by the names the store gives event
/// fields in JSON (camelCase).
/// </summary>
public sealed class EventLog(NpgsqlDataSource dataSource, ReadModelTables tables, IDocumentStore store)
{
    private readonly Dictionary<string, string> _publishedNames = store.Options.Events.AllKnownEventTypes()
        .Select(t => (t.EventTypeName, Published: PublishedName(t.EventType)))
        .Where(t => t.Published is not null)
        .ToDictionary(t => t.EventTypeName, t => t.Published!, StringComparer.Ordinal);

    public IAsyncEnumerable<LoggedEvent> EventsAsync(Instant knownAt, CancellationToken cancellation)
    {
        var command = dataSource.CreateCommand(
            "select e.seq_id, e.timestamp, e.type, e.stream_id, e.data ->> 'eventId', e.data ->> 'contractId', " +
            "coalesce(e.data ->> 'effectiveDate', e.data ->> 'date')::date, " +
            "coalesce(e.data ->> 'arr', e.data ->> 'arrIncrease', e.data ->> 'arrDecrease', e.data ->> 'amount')::numeric, " +
            "(e.data ->> 'termEndDate')::date, e.data ->> 'reason', e.data ->> 'voidedEventId', e.data ->> 'category', e.data ->> 'period', " +
            $"e.headers ->> '{Sender.PublishedByHeader}', e.headers ->> '{Sender.ViaHeader}', e.data ->> 'customerId' " +
            $"from {tables.Schema}.mt_events e where e.timestamp <= $1 order by e.seq_id");
        command.Parameters.Add(new NpgsqlParameter { Value = knownAt });
        return ReaderRows.ReadAsync(command, reader =>
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            LocalDate? Date(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<LocalDate>(i);
            var stream = reader.GetString(3);
            return new LoggedEvent(
                reader.GetInt64(0), reader.GetFieldValue<Instant>(1), reader.GetString(4), _publishedNames.GetValueOrDefault(reader.GetString(2), reader.GetString(2)),
                StreamKeys.IsCustomer(stream) ? stream : Text(15), Text(5), Date(6), reader.IsDBNull(7) ? null : reader.GetDecimal(7), Date(8), Text(9),
                Text(10), Text(11), Text(12), Text(13), Text(14));
        }, cancellation);
    }

    private static string? PublishedName(Type type) =>
        type == typeof(PeriodClosed) ? PeriodEventTypes.Closed
        : type == typeof(PeriodReopened) ? PeriodEventTypes.Reopened
        : EventTypeNames.Find(type);
}
