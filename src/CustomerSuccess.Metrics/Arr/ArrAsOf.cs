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
        await using var command = dataSource.CreateCommand(
            $"select coalesce(sum(arr_delta), 0), coalesce(sum(logo_delta), 0)::integer from {tables.Movements} " +
            "where movement_date <= $1 and known_from <= $2 and (known_to is null or known_to > $2) " +
            "and ($3::varchar is null or segment = $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = asOf });
        command.Parameters.Add(new NpgsqlParameter { Value = knownAt });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)segment ?? DBNull.Value, DataTypeName = "varchar" });

        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        await reader.ReadAsync(cancellation).ConfigureAwait(false);
        return new ArrFigure(reader.GetDecimal(0), reader.GetInt32(1));
    }
}
