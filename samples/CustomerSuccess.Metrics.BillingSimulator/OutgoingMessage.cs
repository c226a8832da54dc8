namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>
/// One message body, exactly as published, with what the simulator meant by it: the event's id, and its customer
/// (null for retention costs, which belong to no customer).
/// </summary>
public sealed record OutgoingMessage(byte[] Body, MessageKind Kind, string EventId, string? CustomerId);
