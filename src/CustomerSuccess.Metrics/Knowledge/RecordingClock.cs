using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Recording;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Knowledge;

/// <summary>
/// Gives recorded time its meaning. Writers stamp their events only while holding the one clock row,
/// so recorded instants rise strictly in commit order. Readers wait out any writer in flight before
/// answering "as known at" an instant that is not yet in the past, so an answer given for an explicit
/// knownAt can never change afterwards.
/// </summary>
public sealed class RecordingClock(IClock clock, NpgsqlDataSource dataSource, ReadModelTables tables)
{
    private const long TicksPerMicrosecond = 10;

    private static readonly Duration Tick = Duration.FromTicks(TicksPerMicrosecond);

    /// <summary>
    /// Locks the clock row inside the caller's open transaction and reserves <paramref name="count"/> consecutive
    /// instants, one microsecond apart, to record at; returns the first.
    /// </summary>
    public async Task<Instant> StampAsync(NpgsqlConnection connection, int count, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"insert into {tables.RecordingClock} (id, last_recorded) values (1, null) on conflict (id) do nothing; " +
            $"select last_recorded from {tables.RecordingClock} where id = 1 for update";
        var last = await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false) as Instant?;

        var now = TruncateToMicroseconds(clock.GetCurrentInstant());
        var stamp = last is { } previous && now <= previous ? previous + Tick : now;

        await using var update = connection.CreateCommand();
        update.CommandText = $"update {tables.RecordingClock} set last_recorded = $1 where id = 1";
        update.Parameters.Add(new NpgsqlParameter { Value = Later(stamp, count - 1) });
        await update.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        return stamp;
    }

    /// <summary>
    /// The knowledge instant a read answers for: the requested one, but never later than now. When it
    /// could still be reached by a write in flight, waits for that write to finish first. A read of the read models
    /// is refused while they are being rebuilt, or were left by an earlier version; one of the event log alone is not.
    /// </summary>
    public async Task<Instant> SettleAsync(Instant? requested, bool readsReadModels, CancellationToken cancellation)
    {
        // Strictly before now: a writer that stamps after this read stamps at now or later.
        var latest = TruncateToMicroseconds(clock.GetCurrentInstant()) - Tick;
        var knownAt = requested is { } r && r < latest ? r : latest;

        await using var connection = await dataSource.OpenConnectionAsync(cancellation).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"select (select last_recorded from {tables.RecordingClock} where id = 1), " +
            $"{LedgerProjection.RebuildUnderWay(tables)}, ({tables.KeptForEveryEvent}) is false";
        command.Parameters.Add(new NpgsqlParameter { Value = LedgerProjection.RebuildProgressName });
        Instant? last;
        await using (var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellation).ConfigureAwait(false);
            if (readsReadModels && reader.GetBoolean(1))
            {
                throw new ReadModelsOutdatedException(
                    "The read models are being rebuilt, or their last rebuild did not finish, so figures would be incomplete. " +
                    "Ask again once `projections rebuild` has finished (run it again if none is running).");
            }

            if (readsReadModels && reader.GetBoolean(2))
            {
                throw new ReadModelsOutdatedException(
                    "The event store was written by an earlier version and its read models do not reflect every event, so " +
                    "figures would be incomplete. Run `projections rebuild` once, then ask again.");
            }

            last = reader.IsDBNull(0) ? null : reader.GetFieldValue<Instant>(0);
        }

        command.Parameters.Clear();
        if (last is { } committed && knownAt < committed)
        {
            return knownAt;
        }

        // A writer stamps only while holding the row; once we can share it, every stamp that can
        // still come is later than knownAt.
        command.CommandText =
            $"insert into {tables.RecordingClock} (id, last_recorded) values (1, null) on conflict (id) do nothing; " +
            $"select last_recorded from {tables.RecordingClock} where id = 1 for share";
        await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false);
        return knownAt;
    }

    /// <summary>The instant <paramref name="ticks"/> clock ticks (microseconds) after <paramref name="stamp"/>.</summary>
    public static Instant Later(Instant stamp, int ticks) => stamp + Tick * ticks;

    private static Instant TruncateToMicroseconds(Instant instant) =>
        Instant.FromUnixTimeTicks(instant.ToUnixTimeTicks() / TicksPerMicrosecond * TicksPerMicrosecond);
}
