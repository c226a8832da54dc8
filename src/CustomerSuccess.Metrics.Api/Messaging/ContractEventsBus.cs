using CustomerSuccess.Metrics.Messaging;
using CustomerSuccess.Metrics.Recording;
using JasperFx.Core;
using NodaTime;
using Npgsql;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Postgresql;
using Wolverine.Postgresql.Transport;
using Wolverine.RabbitMQ;
using V1 = CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.Api.Messaging;

/// <summary>
/// Where contract events arrive by message: RabbitMQ when <c>ConnectionStrings:RabbitMq</c> (or <c>Messaging:RabbitMq</c>)
/// names a broker, otherwise a queue kept in the event store's own PostgreSQL database. Either way through Wolverine's
/// durable inbox: a message is stored before it is acknowledged, and recorded once however often it is delivered. What
/// the inbox still holds when the host stops or is killed is recorded, in arrival order, before the bus listens again
/// (<see cref="InboxCatchUp"/>).
/// </summary>
public sealed record ContractEventsBus(string? RabbitMq, string Queue, string IntegrationEvents)
{
    /// <summary>The PostgreSQL queue's name: table names take no dots.</summary>
    public string PostgresQueue => TableName(Queue);

    /// <summary>The PostgreSQL queue integration events are published to when there is no broker.</summary>
    public string PostgresIntegrationEventsQueue => TableName(IntegrationEvents);

    /// <summary>Messages applied together, at most.</summary>
    public const int BatchSize = 500;

    /// <summary>
    /// How long the first message of a batch waits for others. Batches are applied one at a time, and a batch is cut when
    /// this time is up even while the one before is still being applied, so it must outlast applying what arrives in it:
    /// shorter, a steady stream queues up as ever smaller batches, each paying a commit's fixed cost (docs/benchmarks.md).
    /// </summary>
    public static readonly TimeSpan BatchWait = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Deliveries the broker hands over before any is acknowledged. Each is stored in the inbox and then acknowledged,
    /// the deliveries at hand stored together, so this bounds how many one inbox write takes in; with a sequential
    /// listener the broker's default would be two (docs/benchmarks.md).
    /// </summary>
    public const ushort PrefetchCount = 1000;

    public static ContractEventsBus From(IConfiguration configuration)
    {
        var rabbit = configuration.GetConnectionString("RabbitMq");
        if (string.IsNullOrWhiteSpace(rabbit))
        {
            rabbit = configuration["Messaging:RabbitMq"];
        }

        var queue = configuration["Messaging:ContractEventsQueue"];
        var exchange = configuration["Messaging:IntegrationEventsExchange"];
        return new ContractEventsBus(
            string.IsNullOrWhiteSpace(rabbit) ? null : rabbit, string.IsNullOrWhiteSpace(queue) ? V1.Messaging.ContractEventsQueue : queue,
            string.IsNullOrWhiteSpace(exchange) ? V1.Messaging.IntegrationEventsExchange : exchange);
    }

    public string Describe() => RabbitMq is null
        ? $"queue {PostgresQueue} in the event store's PostgreSQL database; ARR changes to queue {PostgresIntegrationEventsQueue}"
        : $"RabbitMQ queue {Queue} at {Redacted(RabbitMq)}; ARR changes to exchange {IntegrationEvents}";

    public void Configure(WolverineOptions options)
    {
        var serializer = new RawBodySerializer();
        if (RabbitMq is not null)
        {
            var rabbit = Uri.TryCreate(RabbitMq, UriKind.Absolute, out var uri) ? options.UseRabbitMq(uri) : options.UseRabbitMq(RabbitMq);
            // Refused messages are kept by the engine with their refusal; nothing is left on a broker queue unseen.
            rabbit.AutoProvision().DisableDeadLetterQueueing();
            var arrivals = new ArrivalOrder(SystemClock.Instance);
            options.ListenToRabbitQueue(Queue)
                .DefaultIncomingMessage<ContractEventsMessage>()
                .DefaultSerializer(serializer)
                .UseInterop((_, mapper) =>
                {
                    // Whatever content type a publisher sets or leaves out, the body is read as the wire format, also
                    // when a stored message is recovered from the inbox after a restart.
                    mapper.MapIncomingProperty(e => e.ContentType!, (envelope, _) => envelope.ContentType = serializer.ContentType);
                    // Stored in the inbox under an identifier in arrival order, so that what a stop or a crash leaves
                    // there is taken up again in that order (InboxCatchUp).
                    mapper.MapIncomingProperty(e => e.Id, (envelope, _) => envelope.Id = arrivals.Next());
                })
                .UseDurableInbox()
                .Sequential()
                .PreFetchCount(PrefetchCount);
            options.PublishMessage<V1.CustomerArrChanged>().ToRabbitExchange(IntegrationEvents).UseDurableOutbox();
            options.PublishMessage<V1.CustomerArrRestated>().ToRabbitExchange(IntegrationEvents).UseDurableOutbox();
        }
        else
        {
            options.Transports.GetOrCreate<PostgresqlTransport>().AutoProvision = true;
            options.ListenToPostgresqlQueue(PostgresQueue)
                .DefaultIncomingMessage<ContractEventsMessage>()
                .DefaultSerializer(serializer)
                .Sequential();
            options.PublishMessage<ContractEventsMessage>().ToPostgresqlQueue(PostgresQueue);
            options.PublishMessage<V1.CustomerArrChanged>().ToPostgresqlQueue(PostgresIntegrationEventsQueue);
            options.PublishMessage<V1.CustomerArrRestated>().ToPostgresqlQueue(PostgresIntegrationEventsQueue);
        }

        // One batch at a time, in the order received, so a customer's events are applied in the order published.
        options.BatchMessagesOf<ContractEventsMessage>(batching =>
        {
            batching.BatchSize = BatchSize;
            batching.TriggerTime = BatchWait;
        }).Sequential();

        // The database out of reach, or read models being rebuilt: wait and try again, never set the message aside.
        options.OnException<NpgsqlException>().Or<ReadModelsOutdatedException>().Or<TimeoutException>()
            .RetryWithCooldown(250.Milliseconds(), 1.Seconds(), 5.Seconds(), 15.Seconds())
            .Then.PauseThenRequeue(30.Seconds());
    }

    private static string TableName(string name) => name.Replace('.', '_').Replace('-', '_');

    private static string Redacted(string connection) =>
        Uri.TryCreate(connection, UriKind.Absolute, out var uri) ? $"{uri.Host}:{uri.Port}" : "the configured broker";
}
