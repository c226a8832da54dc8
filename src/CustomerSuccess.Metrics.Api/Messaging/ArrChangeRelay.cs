using System.Text.Json;
using CustomerSuccess.Metrics.ArrChanges;
using CustomerSuccess.Metrics.Ledger;
using Marten;
using Wolverine;
using Wolverine.Marten;
using Wolverine.Postgresql.Transport;
using Wolverine.Runtime;
using V1 = CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.Api.Messaging;

/// <summary>
/// Hands the integration events the projection wrote (in the same transaction as the events behind them) to the
/// message bus, oldest first: each batch is taken under a row lock, published through Wolverine's durable outbox and
/// marked published in one transaction, so an event is sent once it is committed, even across a crash, and never for
/// a request that was refused or rolled back. Several API processes share the work without sending one twice.
/// </summary>
public sealed class ArrChangeRelay(
    IServiceProvider services,
    ReadModelTables tables,
    ContractEventsBus bus,
    IHostApplicationLifetime lifetime,
    ILogger<ArrChangeRelay> logger) : BackgroundService
{
    public const int BatchSize = 500;

    public static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Wolverine publishes only once the host has started, which may be well after this service is: what the inbox
        // held at the last stop is recorded first (InboxCatchUp).
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task.ContinueWith(_ => { }, CancellationToken.None);
        }

        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        await ProvisionAsync();
        while (!stoppingToken.IsCancellationRequested)
        {
            int relayed;
            try
            {
                relayed = await RelayAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever the store or the bus throws (the store wraps a lost connection in exceptions of its own), the
                // relay waits and tries again: the changes stay waiting in the feed, and a relay that gave up would stop the host.
                logger.LogWarning(e, "Could not hand ARR changes to the message bus; trying again");
                relayed = 0;
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }

            if (relayed < BatchSize)
            {
                await Task.Delay(IdleWait, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Without a broker, the PostgreSQL queue subscribers read is made before anything is sent to it, so a subscriber
    /// that starts late finds every change waiting there.
    /// </summary>
    private async Task ProvisionAsync()
    {
        if (bus.RabbitMq is null)
        {
            var runtime = services.GetRequiredService<IWolverineRuntime>();
            await runtime.Options.Transports.GetOrCreate<PostgresqlTransport>().Queues[bus.PostgresIntegrationEventsQueue].SetupAsync(logger);
        }
    }

    /// <summary>Publishes one batch of waiting integration events; how many.</summary>
    public async Task<int> RelayAsync(CancellationToken cancellation)
    {
        await using var scope = services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
        var outbox = scope.ServiceProvider.GetRequiredService<IMartenOutbox>();
        await session.BeginTransactionAsync(cancellation);

        var ids = new List<long>();
        await using (var command = session.Connection!.CreateCommand())
        {
            command.CommandText =
                $"select id, type, body::text from {tables.ArrChangeFeed} where published_at is null order by id limit {BatchSize} for update skip locked";
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            var waiting = new List<(long Id, string Type, string Body)>();
            while (await reader.ReadAsync(cancellation))
            {
                waiting.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
            }

            await reader.CloseAsync();
            foreach (var (id, type, body) in waiting)
            {
                await outbox.PublishAsync(Read(type, body));
                ids.Add(id);
            }
        }

        if (ids.Count == 0)
        {
            return 0;
        }

        // The database's clock: when an event was handed over is bookkeeping, not recorded time.
        session.QueueSqlCommand($"update {tables.ArrChangeFeed} set published_at = now() where id = any(?)", ids.ToArray());
        await session.SaveChangesAsync(cancellation);
        return ids.Count;
    }

    private static object Read(string type, string body) => type switch
    {
        ArrChangeFeed.ArrChanged => JsonSerializer.Deserialize<V1.CustomerArrChanged>(body, V1.ContractJson.Options)!,
        ArrChangeFeed.ArrRestated => JsonSerializer.Deserialize<V1.CustomerArrRestated>(body, V1.ContractJson.Options)!,
        _ => throw new InvalidOperationException($"Unknown integration event type '{type}'"),
    };
}
