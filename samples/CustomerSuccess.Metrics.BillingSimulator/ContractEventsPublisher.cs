using RabbitMQ.Client;

namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>
/// Publishes message bodies to one queue through RabbitMQ's default exchange, persistent and confirmed by the broker
/// one by one, so that what is counted as sent is on the queue. Nothing but the body is needed by the engine.
/// </summary>
public sealed class ContractEventsPublisher : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _queue;
    private readonly BasicProperties _properties = new() { DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" };

    private ContractEventsPublisher(IConnection connection, IChannel channel, string queue)
    {
        _connection = connection;
        _channel = channel;
        _queue = queue;
    }

    /// <summary>Connects, and checks that the queue exists: a message sent to a queue nobody declared would be dropped.</summary>
    public static async Task<ContractEventsPublisher> ConnectAsync(string broker, string queue, CancellationToken cancellation)
    {
        var factory = new ConnectionFactory { Uri = new Uri(broker), ClientProvidedName = "billing-simulator" };
        var connection = await factory.CreateConnectionAsync(cancellation);
        try
        {
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellation);
            await channel.QueueDeclarePassiveAsync(queue, cancellation);
            return new ContractEventsPublisher(connection, channel, queue);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Returns once the broker has confirmed the message; throws when it refuses it or cannot be reached.</summary>
    public async Task PublishAsync(ReadOnlyMemory<byte> body, CancellationToken cancellation) =>
        await _channel.BasicPublishAsync("", _queue, true, _properties, body, cancellation);

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
