using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Retention;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.CostOfRetention;

public sealed record CostOfRetentionFigures(
    decimal TotalCost,
    IReadOnlyDictionary<string, decimal> ByCategory,
    int RetainedCustomers,
    decimal? CostOfRetention,
    IReadOnlyList<string> Notes);

/// <summary>
/// Retention spend dated in [from, to] divided by the customers active both before the period and at its
/// end (customers added during the period are excluded), as known at one instant.
/// </summary>
public sealed class CostOfRetentionQuery(NpgsqlDataSource dataSource, ReadModelTables tables, RetentionCohort cohort)
{
    public async Task<CostOfRetentionFigures> QueryAsync(
        LocalDate from, LocalDate to, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var byCategory = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
        await using (var command = dataSource.CreateCommand(
                         $"select category, sum(amount) from {tables.RetentionCosts} where cost_date between $1 and $2 " +
                         "and known_from <= $3 and (known_to is null or known_to > $3) group by category"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = from });
            command.Parameters.Add(new NpgsqlParameter { Value = to });
            command.Parameters.Add(new NpgsqlParameter { Value = knownAt });
            await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            {
                byCategory[reader.GetString(0)] = reader.GetDecimal(1);
            }
        }

        var retained = (await cohort.QueryAsync(from, to, knownAt, segment, cancellation).ConfigureAwait(false)).Cohort.RetainedCustomers;
        var total = byCategory.Values.Sum();
        var notes = new List<string>();
        decimal? cost = null;
        if (segment is not null)
        {
            notes.Add("Retention spend is recorded for the whole book, not by segment, so it cannot be divided " +
                      "among one segment's customers: costOfRetention is null.");
        }
        else if (retained == 0)
        {
            notes.Add("No customer was active both before the period and at its end: costOfRetention is null.");
        }
        else
        {
            cost = total / retained;
        }

        return new CostOfRetentionFigures(total, byCategory, retained, cost, notes);
    }
}
