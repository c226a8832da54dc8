using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Recording;
using Npgsql;

namespace CustomerSuccess.Metrics.Replay;

/// <summary>What a verification compared and found.</summary>
/// <param name="ScratchSchema">The schema the log was replayed into, dropped since.</param>
/// <param name="Replayed">The log as copied and replayed.</param>
/// <param name="RowDifferences">Differences per compared table, every table listed.</param>
/// <param name="RecordedMeanwhile">Events recorded after the log was copied: the live read models moved on meanwhile.</param>
public sealed record VerificationSummary(
    string ScratchSchema, LogExtent Replayed, IReadOnlyDictionary<string, int> RowDifferences, int FiguresCompared, int FigureDifferences,
    long RecordedMeanwhile)
{
    public int Differences => RowDifferences.Values.Sum() + FigureDifferences;
}

/// <summary>
/// Checks the live read models against the event log: replays the whole log into a <see cref="ScratchStore"/> and
/// compares every read-model row (<see cref="ReadModelComparison"/>) and the published figures
/// (<see cref="FigureComparison"/>) of the two. The scratch schema is dropped afterwards, whatever happens.
/// </summary>
public sealed class ReadModelVerification(StoreLayout layout, NpgsqlDataSource queries)
{
    public async Task<VerificationSummary> RunAsync(
        Action<RowDifference> onRow, Action<FigureDifference> onFigure, CancellationToken cancellation)
    {
        var live = new ReadModelTables(layout.Schema);
        // Comparisons read whole tables: on a connection of the write side's kind, with no time limit.
        await using var dataSource = MetricsStore.BuildDataSource(layout.ConnectionString);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellation).ConfigureAwait(false))
        {
            if (await LedgerProjection.IsRebuildingAsync(connection, live, cancellation).ConfigureAwait(false))
            {
                throw new ReadModelsOutdatedException(
                    "The read models are being rebuilt, or their last rebuild did not finish, so there is nothing to verify yet. " +
                    "Run `replay verify` once `projections rebuild` has finished (run it again if none is running).");
            }
        }

        await using var scratch = await ScratchStore.CreateAsync(layout).ConfigureAwait(false);
        var replayed = await scratch.CopyLogAsync(layout.Schema, cancellation).ConfigureAwait(false);
        await scratch.ReplayAsync(cancellation).ConfigureAwait(false);

        var rowDifferences = ReadModelComparison.Tables.ToDictionary(t => t.Name, _ => 0, StringComparer.Ordinal);
        await foreach (var difference in ReadModelComparison.DifferencesAsync(dataSource, layout.Schema, scratch.Tables.Schema, cancellation)
                           .ConfigureAwait(false))
        {
            rowDifferences[difference.Table]++;
            onRow(difference);
        }

        var figures = new FigureComparison(queries);
        var figureDifferences = 0;
        await foreach (var difference in figures.DifferencesAsync(scratch.Tables.Schema, live, scratch.Tables, cancellation).ConfigureAwait(false))
        {
            figureDifferences++;
            onFigure(difference);
        }

        LogExtent now;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellation).ConfigureAwait(false))
        {
            now = await ScratchStore.ExtentAsync(connection, layout.Schema, cancellation).ConfigureAwait(false);
        }

        return new VerificationSummary(
            scratch.Tables.Schema, replayed, rowDifferences, figures.Compared, figureDifferences, now.Events - replayed.Events);
    }
}
