namespace CustomerSuccess.Metrics.BillingSimulator;

public enum MessageKind
{
    /// <summary>A new, valid event: the engine records it.</summary>
    Event,

    /// <summary>An exact resend of an event already sent: the engine recognises it and records nothing.</summary>
    Duplicate,

    /// <summary>A message the engine refuses and keeps among its dead letters.</summary>
    Invalid,
}
