using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace CustomerSuccess.Metrics.Recording;

/// <summary>
/// The receipts table: one row per appended event, written by the projection from the events themselves
/// (so a rebuild restores it) with one statement per batch, and read by the write side to recognise
/// duplicates and to find what a void names.
/// </summary>
public static class EventReceipts
{
    public static async Task<Dictionary<string, EventReceipt>> LoadAsync(
        NpgsqlConnection connection, ReadModelTables tables, string[] eventIds, CancellationToken cancellation)
    {
        var receipts = new Dictionary<string, EventReceipt>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"select event_id, type, stream_key, fingerprint, voided_by from {tables.EventReceipts} where event_id = any($1)";
        command.Parameters.Add(new NpgsqlParameter { Value = eventIds });
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            receipts[reader.GetString(0)] = new EventReceipt
            {
                Id = reader.GetString(0),
                Type = reader.GetString(1),
                StreamKey = reader.GetString(2),
                Fingerprint = reader.GetString(3),
                VoidedBy = reader.IsDBNull(4) ? null : reader.GetString(4),
            };
        }

        return receipts;
    }

    /// <summary>
    /// Whether every appended event has its receipt and its recorded instant as far as a glance can tell: false when
    /// the store holds events but no receipts or no recorded instants at all, as one written by an earlier version
    /// does until it is rebuilt. Null while the store holds no events yet, when there is nothing to tell.
    /// </summary>
    public static async Task<bool?> AreKeptAsync(NpgsqlConnection connection, ReadModelTables tables, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select {tables.KeptForEveryEvent}";
        return await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false) as bool?;
    }

    /// <summary>The receipts of a batch of appended events, fingerprinted.</summary>
    public static IReadOnlyList<EventReceipt> Of(IReadOnlyList<IEvent> events)
    {
        var receipts = events.Where(e => e.Data is IPublishedEvent)
            .Select(e => EventReceipt.For((IPublishedEvent)e.Data, e.StreamKey!))
            .ToList();
        foreach (var receipt in receipts)
        {
            _ = receipt.Fingerprint;
        }

        return receipts;
    }

    /// <summary>
    /// Queues the receipts of a batch of appended events, and marks the events its voids retract. Writers take
    /// the recording clock's row lock before reading receipts, so each reads every receipt committed before
    /// it; the plain insert is the backstop: a second receipt for one eventId fails its transaction.
    /// </summary>
    public static void Queue(
        IDocumentOperations operations, ReadModelTables tables, IReadOnlyList<EventReceipt> receipts, IReadOnlyList<IEvent> events)
    {
        if (receipts.Count > 0)
        {
            operations.QueueSqlCommand(
                $"insert into {tables.EventReceipts} (event_id, type, stream_key, fingerprint) " +
                "select * from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[])",
                receipts.Select(r => r.Id).ToArray(),
                receipts.Select(r => r.Type).ToArray(),
                receipts.Select(r => r.StreamKey).ToArray(),
                receipts.Select(r => r.Fingerprint).ToArray());
        }

        var voids = events.Select(e => e.Data).OfType<EventVoided>().ToList();
        if (voids.Count > 0)
        {
            operations.QueueSqlCommand(
                $"update {tables.EventReceipts} r set voided_by = u.v from unnest(?::varchar[], ?::varchar[]) as u(t, v) " +
                "where r.event_id = u.t",
                voids.Select(v => v.VoidedEventId).ToArray(),
                voids.Select(v => v.EventId).ToArray());
        }
    }
}
