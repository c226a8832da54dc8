using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Arr;

public sealed record ArrFigure(decimal Arr, int ActiveCustomers);

/// <summary>
/// Total ARR and active customers at the end of <c>asOf</c>, as known at <c>knownAt</c>: the sum of every
/// customer movement effective by then that was believed at that instant.
/// </summary>
public sealed class ArrAsOf(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    public async Task<ArrFigure> QueryAsync(LocalDate asOf, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var believed = new BelievedMovements(tables, knownAt, segment);
        await using var command = dataSource.CreateCommand();
        var date = BelievedMovements.Add(command, asOf);
        command.CommandText =
            $"select coalesce(sum(m.arr_delta), 0), coalesce(sum(m.logo_delta), 0)::integer " +
            $"from {believed.DailyTotals(command)} m where m.movement_date <= {date}";

        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        await reader.ReadAsync(cancellation).ConfigureAwait(false);
        return new ArrFigure(reader.GetDecimal(0), reader.GetInt32(1));
    }
}
