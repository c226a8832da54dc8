using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Periods;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Arr;

public sealed record ArrPoint(LocalDate Date, decimal Arr, int ActiveCustomers);

/// <summary>ARR and active customers at the end of each period of a range, as known at one instant.</summary>
public sealed class ArrSeries(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    public async Task<IReadOnlyList<ArrPoint>> QueryAsync(
        LocalDate from, LocalDate to, ReportingInterval interval, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var believed = new BelievedMovements(tables, knownAt, segment);
        await using var command = dataSource.CreateCommand();
        var fromParameter = BelievedMovements.Add(command, from);
        var toParameter = BelievedMovements.Add(command, to);
        // Everything before the range collapses into one opening row dated the day before it.
        command.CommandText =
            $"select greatest(m.movement_date, {fromParameter}::date - 1) as day, sum(m.arr_delta), sum(m.logo_delta)::integer " +
            $"from {believed.DailyTotals(command)} m where m.movement_date <= {toParameter} " +
            "group by day order by day";

        var daily = new List<(LocalDate Day, decimal Arr, int Logos)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            {
                daily.Add((reader.GetFieldValue<LocalDate>(0), reader.GetDecimal(1), reader.GetInt32(2)));
            }
        }

        var points = new List<ArrPoint>();
        var (arr, logos, next) = (0m, 0, 0);
        foreach (var period in ReportingPeriods.Split(from, to, interval))
        {
            for (; next < daily.Count && daily[next].Day <= period.To; next++)
            {
                arr += daily[next].Arr;
                logos += daily[next].Logos;
            }

            points.Add(new ArrPoint(period.To, arr, logos));
        }

        return points;
    }
}
