using System.Security.Cryptography;
using CustomerSuccess.Metrics.Ledger;
using NodaTime;
using Npgsql;

namespace CustomerSuccess.Metrics.Messaging;

/// <summary>The states of a refused message: waiting for someone to act, recorded after a replay, or set aside.</summary>
public static class RefusedMessageStates
{
    public const string Refused = "refused";
    public const string Replayed = "replayed";
    public const string Discarded = "discarded";

    public static readonly IReadOnlyList<string> All = [Refused, Replayed, Discarded];
}

public sealed record RefusedMessage(
    Guid Id, string Source, byte[] Body, Instant FirstRefusedAt, Instant RefusedAt, MessageRefusal Refusal, string State, Instant? SettledAt);

public sealed record RefusedMessagePage(long Total, IReadOnlyList<RefusedMessage> Messages);

/// <summary>
/// Messages from the bus that were refused, with the refusal, kept for someone to replay or discard: they are never
/// retried blindly. A message is known by its body, so the same refused message sent or delivered twice is listed once.
/// </summary>
public sealed class RefusedMessages(NpgsqlDataSource dataSource, ReadModelTables tables, IClock clock)
{
    public static Guid IdOf(ReadOnlySpan<byte> body) => new(SHA256.HashData(body).AsSpan(0, 16));

    /// <summary>Reads an id as messages are listed with it: 32 hexadecimal digits in groups of 8-4-4-4-12.</summary>
    public static bool TryParseId(string text, out Guid id) => Guid.TryParseExact(text, "D", out id);

    /// <summary>Keeps the message with its refusal; a message refused again keeps when it was first refused.</summary>
    public async Task AddAsync(string source, ReadOnlyMemory<byte> body, MessageRefusal refusal, CancellationToken cancellation)
    {
        var now = clock.GetCurrentInstant();
        await using var command = dataSource.CreateCommand(
            $"insert into {tables.RefusedMessages} (id, source, body, first_refused_at, refused_at, status, rule, field, detail, event_id, state) " +
            "values ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10) on conflict (id) do update set refused_at = excluded.refused_at, " +
            "status = excluded.status, rule = excluded.rule, field = excluded.field, detail = excluded.detail, event_id = excluded.event_id, " +
            "state = excluded.state, settled_at = null");
        command.Parameters.Add(new NpgsqlParameter { Value = IdOf(body.Span) });
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = body.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = refusal.Status });
        command.Parameters.Add(new NpgsqlParameter { Value = refusal.Rule });
        command.Parameters.Add(new NpgsqlParameter { Value = refusal.Field });
        command.Parameters.Add(new NpgsqlParameter { Value = refusal.Detail });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)refusal.EventId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = RefusedMessageStates.Refused });
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>The messages in a state, first refused first.</summary>
    public async Task<RefusedMessagePage> ListAsync(string state, int offset, int limit, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"select {Columns}, count(*) over () from {tables.RefusedMessages} where state = $1 order by first_refused_at, id offset $2 limit $3");
        command.Parameters.Add(new NpgsqlParameter { Value = state });
        command.Parameters.Add(new NpgsqlParameter { Value = offset });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var messages = new List<RefusedMessage>();
        long total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            messages.Add(Read(reader));
            total = reader.GetInt64(12);
        }

        if (messages.Count == 0 && offset > 0)
        {
            await reader.CloseAsync().ConfigureAwait(false);
            await using var count = dataSource.CreateCommand($"select count(*) from {tables.RefusedMessages} where state = $1");
            count.Parameters.Add(new NpgsqlParameter { Value = state });
            total = (long)(await count.ExecuteScalarAsync(cancellation).ConfigureAwait(false))!;
        }

        return new RefusedMessagePage(total, messages);
    }

    public async Task<RefusedMessage?> FindAsync(Guid id, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from {tables.RefusedMessages} where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        return await reader.ReadAsync(cancellation).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>Marks a message that is still waiting as replayed or discarded; false when it was not waiting.</summary>
    public async Task<bool> SettleAsync(Guid id, string state, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"update {tables.RefusedMessages} set state = $2, settled_at = $3 where id = $1 and state = $4");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = state });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetCurrentInstant() });
        command.Parameters.Add(new NpgsqlParameter { Value = RefusedMessageStates.Refused });
        return await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false) == 1;
    }

    private const string Columns = "id, source, body, first_refused_at, refused_at, status, rule, field, detail, event_id, state, settled_at";

    private static RefusedMessage Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<Instant>(3), reader.GetFieldValue<Instant>(4),
        new MessageRefusal(reader.GetInt32(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)),
        reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<Instant>(11));
}
