namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>One message heard on the integration-events exchange: its AMQP <c>type</c> (the published type's full name) and its body.</summary>
public sealed record IncomingMessage(string? Type, byte[] Body);
