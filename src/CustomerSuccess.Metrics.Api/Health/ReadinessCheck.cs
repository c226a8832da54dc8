using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Recording;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CustomerSuccess.Metrics.Api.Health;

/// <summary>
/// Ready means every figure the API gives would be complete and correct: the database answers, its schema is the
/// one this version expects, and the read models are neither being rebuilt nor left from an earlier version.
/// </summary>
public sealed class ReadinessCheck(NpgsqlDataSource dataSource, ReadModelTables tables, IDocumentStore store) : IHealthCheck
{
    public const string Tag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"The database does not answer: {e.Message}");
        }

        await using (connection)
        {
            try
            {
                await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy(
                    $"The database schema is not the one this version expects; restart the API to apply it, or run `db-apply`. {e.Message}");
            }

            if (await LedgerProjection.IsRebuildingAsync(connection, tables, cancellationToken).ConfigureAwait(false))
            {
                return HealthCheckResult.Unhealthy(
                    "The read models are being rebuilt, or their last rebuild did not finish; figures would be incomplete until " +
                    "`projections rebuild` has finished.");
            }

            if (await EventReceipts.AreKeptAsync(connection, tables, cancellationToken).ConfigureAwait(false) == false)
            {
                return HealthCheckResult.Unhealthy(
                    "The event store was written by an earlier version and its read models do not reflect every event; run " +
                    "`projections rebuild` once.");
            }
        }

        return HealthCheckResult.Healthy("The database answers, its schema is current and the read models are complete.");
    }
}
