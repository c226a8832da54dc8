using NodaTime;

namespace CustomerSuccess.Metrics.Periods;

/// <summary>The names closes and reopenings are listed by in the event log, beside the published event types.</summary>
public static class PeriodEventTypes
{
    public const string Closed = "period.closed";
    public const string Reopened = "period.reopened";
}

/// <summary>
/// A reporting month was closed: <see cref="Reported"/> is what was reported for it, computed as known at
/// <see cref="KnownAt"/>, by the holder of the key named <see cref="ClosedBy"/>.
/// </summary>
public sealed record PeriodClosed(string EventId, string Period, Instant KnownAt, string ClosedBy, PeriodFigures Reported);

/// <summary>A closed reporting month was opened again; the close before it stays in the month's history.</summary>
public sealed record PeriodReopened(string EventId, string Period, string ReopenedBy);
