using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Movements;
using CustomerSuccess.Metrics.Periods;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Bridge;

/// <summary>
/// One period of the ARR bridge. Always reconciles:
/// opening + new + reactivation + expansion - contraction - churn + transferIn - transferOut = closing.
/// Transfers are non-zero only for a single segment (customers moving between segments).
/// </summary>
public sealed record BridgeEntry(
    LocalDate From,
    LocalDate To,
    decimal OpeningArr,
    decimal NewArr,
    decimal ReactivationArr,
    decimal ExpansionArr,
    decimal ContractionArr,
    decimal ChurnArr,
    decimal TransferInArr,
    decimal TransferOutArr,
    decimal ClosingArr);

/// <param name="OpeningCustomers">Customers active at the end of the day before the range.</param>
public sealed record ArrBridgeFigures(IReadOnlyList<BridgeEntry> Entries, BridgeEntry Summary, int OpeningCustomers);

/// <summary>The ARR bridge (new, reactivation, expansion, contraction, churn) per period and for the whole range.</summary>
public sealed class ArrBridge(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    public async Task<ArrBridgeFigures> QueryAsync(
        LocalDate from, LocalDate to, ReportingInterval? interval, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var believed = new BelievedMovements(tables, knownAt, segment);
        await using var command = dataSource.CreateCommand();
        var fromParameter = BelievedMovements.Add(command, from);
        var toParameter = BelievedMovements.Add(command, to);
        // Rows before the range only contribute to the opening ARR: one row with no day.
        command.CommandText =
            $"select case when m.movement_date < {fromParameter} then null else m.movement_date end as day, " +
            "case when m.movement_date < " + fromParameter + " then null else m.kind end as movement_kind, " +
            "sum(m.amount), sum(m.arr_delta), sum(m.logo_delta)::integer " +
            $"from {believed.DailyTotals(command)} m where m.movement_date <= {toParameter} " +
            "group by day, movement_kind order by day nulls first";

        var opening = 0m;
        var openingCustomers = 0;
        var movements = new List<(LocalDate Day, string Kind, decimal Amount)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            {
                if (reader.IsDBNull(0))
                {
                    opening = reader.GetDecimal(3);
                    openingCustomers = reader.GetInt32(4);
                }
                else
                {
                    movements.Add((reader.GetFieldValue<LocalDate>(0), reader.GetString(1), reader.GetDecimal(2)));
                }
            }
        }

        var entries = ReportingPeriods.Split(from, to, interval)
            .Select(period => (period, moves: movements.Where(m => m.Day >= period.From && m.Day <= period.To).ToList()))
            .ToList();
        var result = new List<BridgeEntry>(entries.Count);
        var running = opening;
        foreach (var (period, moves) in entries)
        {
            var entry = Build(period.From, period.To, running, moves);
            result.Add(entry);
            running = entry.ClosingArr;
        }

        return new ArrBridgeFigures(result, Build(from, to, opening, movements), openingCustomers);
    }

    private static BridgeEntry Build(LocalDate from, LocalDate to, decimal opening, IReadOnlyList<(LocalDate Day, string Kind, decimal Amount)> moves)
    {
        decimal Sum(string kind) => moves.Where(m => m.Kind == kind).Sum(m => m.Amount);

        var (added, reactivated, expanded) = (Sum(MovementKinds.New), Sum(MovementKinds.Reactivation), Sum(MovementKinds.Expansion));
        var (contracted, churned) = (Sum(MovementKinds.Contraction), Sum(MovementKinds.Churn));
        var (transferredIn, transferredOut) = (Sum(MovementKinds.TransferIn), Sum(MovementKinds.TransferOut));
        var closing = opening + added + reactivated + expanded - contracted - churned + transferredIn - transferredOut;
        return new BridgeEntry(from, to, opening, added, reactivated, expanded, contracted, churned, transferredIn,
            transferredOut, closing);
    }
}
