namespace CustomerSuccess.Metrics.Contracts.V1;

/// <summary>Where the engine listens and publishes on a message broker, unless its configuration names others.</summary>
public static class Messaging
{
    /// <summary>
    /// The queue the engine consumes contract events from: each message's body is one <see cref="PublishedEvent"/> or
    /// a JSON array of them, as <see cref="ContractJson"/> writes them, with content type <c>application/json</c>.
    /// No other headers are needed.
    /// </summary>
    public const string ContractEventsQueue = "csm.contract-events";

    /// <summary>The fanout exchange on which the engine publishes <see cref="CustomerArrChanged"/> and <see cref="CustomerArrRestated"/>.</summary>
    public const string IntegrationEventsExchange = "csm.integration-events";
}
