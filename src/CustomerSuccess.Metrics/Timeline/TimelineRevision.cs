using NodaTime;

namespace CustomerSuccess.Metrics.Timeline;

/// <summary>
/// A recorded instant at which a customer's past changed: the backdated events and voids recorded then, and the days
/// whose figures they changed.
/// </summary>
public sealed record TimelineRevision(Instant RecordedAt, IReadOnlyList<string> EventIds, IReadOnlyList<DayRevision> Changes);
