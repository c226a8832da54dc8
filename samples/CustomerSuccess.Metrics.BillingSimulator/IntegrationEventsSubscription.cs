using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>
/// A queue of this process's own, bound to the engine's integration-events exchange: the broker names it, and deletes
/// it when the connection closes, so a subscriber hears what is published while it listens and leaves nothing behind.
/// </summary>
public sealed class IntegrationEventsSubscription : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly Channel<IncomingMessage> _heard = Channel.CreateUnbounded<IncomingMessage>(new UnboundedChannelOptions { SingleReader = true });

    private IntegrationEventsSubscription(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    /// <summary>
    /// Connects, declares the exchange as the engine does (durable, fanout: declaring it first is harmless) and binds a
    /// new queue to it; returns once messages are being received.
    /// </summary>
    public static async Task<IntegrationEventsSubscription> ConnectAsync(string broker, string exchange, CancellationToken cancellation)
    {
        var factory = new ConnectionFactory { Uri = new Uri(broker), ClientProvidedName = "billing-simulator-subscriber" };
        var connection = await factory.CreateConnectionAsync(cancellation);
        try
        {
            var channel = await connection.CreateChannelAsync(cancellationToken: cancellation);
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, cancellationToken: cancellation);
            var queue = (await channel.QueueDeclareAsync(cancellationToken: cancellation)).QueueName;
            await channel.QueueBindAsync(queue, exchange, "", cancellationToken: cancellation);
            var subscription = new IntegrationEventsSubscription(connection, channel);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                // The body's memory belongs to the client once the handler returns.
                subscription._heard.Writer.TryWrite(new IncomingMessage(delivery.BasicProperties.Type, delivery.Body.ToArray()));
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue, autoAck: true, consumer, cancellation);
            return subscription;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The messages heard, in the order the broker delivered them, until cancelled.</summary>
    public IAsyncEnumerable<IncomingMessage> ReadAllAsync(CancellationToken cancellation) => _heard.Reader.ReadAllAsync(cancellation);

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
