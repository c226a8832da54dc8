using System.Text;
using Wolverine;
using Wolverine.Runtime.Serialization;

namespace CustomerSuccess.Metrics.Api.Messaging;

/// <summary>
/// A message from the contract-events queue: its body exactly as published, one event or a batch in the wire format
/// of <c>POST /api/v1/events</c>. The body is read by the same parser as an HTTP request, not by the bus.
/// </summary>
public sealed record ContractEventsMessage(byte[] Body)
{
    public override string ToString() => $"{Body.Length} bytes: {Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 200)))}";
}

/// <summary>
/// Hands a message's body over untouched, whatever headers its publisher set or left out, so that any AMQP client
/// can publish plain JSON and that JSON meets exactly the checks an HTTP request meets.
/// </summary>
public sealed class RawBodySerializer : IMessageSerializer
{
    public string ContentType => "application/json";

    public byte[] Write(Envelope envelope) => WriteMessage(envelope.Message!);

    public object ReadFromData(Type messageType, Envelope envelope) => ReadFromData(envelope.Data ?? []);

    public object ReadFromData(byte[] data) => new ContractEventsMessage(data);

    public byte[] WriteMessage(object message) => ((ContractEventsMessage)message).Body;
}
