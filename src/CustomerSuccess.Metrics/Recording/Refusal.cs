namespace CustomerSuccess.Metrics.Recording;

public enum RefusalKind
{
    /// <summary>422: the event breaks a business rule where it stands.</summary>
    BusinessRule,

    /// <summary>409: the event conflicts with what is recorded (a reused eventId, or a later event it would break).</summary>
    Conflict,
}

/// <summary>Why a request was refused as a whole, naming the event and field at fault.</summary>
public sealed record Refusal(RefusalKind Kind, string EventId, string Field, string Detail);
