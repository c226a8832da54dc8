using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Movements;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Audit;

public sealed record AuditedMovement(
    string CustomerId, LocalDate Date, string Kind, string? Segment, decimal Amount, IReadOnlyList<string> EventIds, Instant RecordedAt);

public sealed record MovementPage(IReadOnlyList<AuditedMovement> Movements, int Total);

/// <summary>
/// Every movement behind a bridge figure, with the events that caused it: the customer's events effective
/// that day; of every customer, or of one. Segment transfers are listed only when a segment is asked for,
/// where they explain its bridge.
/// </summary>
public sealed class MovementAudit(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    public async Task<MovementPage> QueryAsync(
        LocalDate from, LocalDate to, string? kind, Instant knownAt, string? segment, string? customerId, int offset, int limit,
        CancellationToken cancellation)
    {
        var believed = new BelievedMovements(tables, knownAt, segment);
        await using var command = dataSource.CreateCommand();
        var fromParameter = BelievedMovements.Add(command, from);
        var toParameter = BelievedMovements.Add(command, to);
        var kinds = kind is not null ? [kind]
            : segment is not null ? MovementKinds.Bridge.Append(MovementKinds.TransferIn).Append(MovementKinds.TransferOut).ToArray()
            : MovementKinds.Bridge.ToArray();
        var kindsParameter = BelievedMovements.Add(command, kinds);
        var customerCondition = CustomerCondition(command, customerId);
        var offsetParameter = BelievedMovements.Add(command, offset);
        var limitParameter = BelievedMovements.Add(command, limit);
        command.CommandText =
            "select m.customer_id, m.movement_date, m.kind, m.segment, m.amount, m.event_ids, m.known_from, count(*) over () " +
            $"from {believed.Table} m where m.movement_date between {fromParameter} and {toParameter} " +
            $"and m.kind = any({kindsParameter}) and {customerCondition} and {believed.Filter(command)} " +
            $"order by m.movement_date, m.customer_id, m.kind offset {offsetParameter} limit {limitParameter}";

        var movements = new List<AuditedMovement>();
        var total = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            {
                movements.Add(new AuditedMovement(reader.GetString(0), reader.GetFieldValue<LocalDate>(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetDecimal(4), reader.GetFieldValue<string[]>(5),
                    reader.GetFieldValue<Instant>(6)));
                total = (int)reader.GetInt64(7);
            }
        }

        if (movements.Count == 0 && offset > 0)
        {
            total = await CountAsync(from, to, kinds, customerId, believed, cancellation).ConfigureAwait(false);
        }

        return new MovementPage(movements, total);
    }

    /// <summary>A condition on the alias <c>m</c> that keeps one customer's movements, or every movement when none is asked for.</summary>
    private static string CustomerCondition(NpgsqlCommand command, string? customerId) =>
        customerId is null ? "true" : $"m.customer_id = {BelievedMovements.Add(command, customerId)}";

    private async Task<int> CountAsync(
        LocalDate from, LocalDate to, string[] kinds, string? customerId, BelievedMovements believed, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand();
        var fromParameter = BelievedMovements.Add(command, from);
        var toParameter = BelievedMovements.Add(command, to);
        var kindsParameter = BelievedMovements.Add(command, kinds);
        var customerCondition = CustomerCondition(command, customerId);
        command.CommandText =
            $"select count(*)::integer from {believed.Table} m where m.movement_date between {fromParameter} and {toParameter} " +
            $"and m.kind = any({kindsParameter}) and {customerCondition} and {believed.Filter(command)}";
        return (int)(await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false))!;
    }
}
