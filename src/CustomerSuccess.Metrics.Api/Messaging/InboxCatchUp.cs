using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Messaging;
using CustomerSuccess.Metrics.Recording;
using Npgsql;
using Wolverine;
using Wolverine.RDBMS;
using Wolverine.Runtime.Serialization;
using Wolverine.Util;

namespace CustomerSuccess.Metrics.Api.Messaging;

/// <summary>
/// Before the bus starts listening, records the messages its inbox still holds from before the host stopped or was
/// killed, in the order they arrived, exactly as the bus would have, then lets them go. Their identifiers give the
/// order: from RabbitMQ, <see cref="ArrivalOrder"/>'s; from the PostgreSQL queue, the bus's own, which begin with the
/// millisecond the message was sent.
/// Left to the bus, they would be taken up again in no particular order and alongside the messages that arrived after
/// them, so a customer's events could be applied out of the order they were published in. Messages recorded here and
/// delivered again by the broker (it had not yet heard they were received) are recognised as duplicates.
/// </summary>
public sealed class InboxCatchUp(
    NpgsqlDataSource dataSource, ReadModelTables tables, RecordEvents recorder, RefusedMessages refused, ILogger<ContractEventsMessage> logger)
    : IHostedService
{
    private string Inbox => $"{tables.Schema}.{DatabaseConstants.IncomingTable}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await InboxExistsAsync(cancellationToken))
        {
            return;
        }

        var caughtUp = 0;
        var after = Guid.Empty;
        while (true)
        {
            var (stored, last) = await NextAsync(after, cancellationToken);
            if (last is not { } next)
            {
                break;
            }

            await RecordContractEventsFromTheBus.Handle([.. stored.Select(s => s.Message)], recorder, refused, logger, cancellationToken);
            await LetGoAsync([.. stored.Select(s => s.Id)], cancellationToken);
            caughtUp += stored.Count;
            after = next;
        }

        if (caughtUp > 0)
        {
            logger.LogInformation("Recorded {Count} messages the inbox held from before the host last stopped, in the order they arrived", caughtUp);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<bool> InboxExistsAsync(CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand("select to_regclass($1) is not null");
        command.Parameters.Add(new NpgsqlParameter { Value = Inbox });
        return (bool)(await command.ExecuteScalarAsync(cancellation))!;
    }

    /// <summary>
    /// The next stored messages after <paramref name="after"/>, in arrival order, and the last identifier read; one that
    /// cannot be read is left where it is, for the bus to take up and set aside.
    /// </summary>
    private async Task<(List<(Guid Id, ContractEventsMessage Message)> Stored, Guid? Last)> NextAsync(Guid after, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"select id, body from {Inbox} where status = $1 and message_type = $2 and id > $3 order by id limit $4");
        command.Parameters.Add(new NpgsqlParameter { Value = EnvelopeStatus.Incoming.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = typeof(ContractEventsMessage).ToMessageTypeName() });
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = ContractEventsBus.BatchSize });
        var stored = new List<(Guid, ContractEventsMessage)>();
        Guid? last = null;
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var id = reader.GetGuid(0);
            last = id;
            try
            {
                stored.Add((id, new ContractEventsMessage(EnvelopeSerializer.Deserialize(reader.GetFieldValue<byte[]>(1)).Data ?? [])));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The stored message {Id} could not be read; it is left in the inbox", id);
            }
        }

        return (stored, last);
    }

    private async Task LetGoAsync(Guid[] ids, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand($"delete from {Inbox} where id = any($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
