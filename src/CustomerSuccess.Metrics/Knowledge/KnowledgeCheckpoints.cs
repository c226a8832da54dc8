using JasperFx.Events;
using NodaTime;

namespace CustomerSuccess.Metrics.Knowledge;

/// <summary>
/// When the daily totals are copied to a checkpoint: just before the request that records every
/// so-many-th event of the store (<see cref="DefaultEveryEvents"/> unless configured). The rule depends on
/// the event log alone, so a rebuild with the same setting takes the same checkpoints. Recorded instants rise with the store's sequence (see
/// <see cref="RecordingClock"/>), so everything recorded before that request is in the checkpoint.
/// </summary>
public static class KnowledgeCheckpoints
{
    public const long DefaultEveryEvents = 50_000;

    /// <summary>Recorded instants are kept to the microsecond: a checkpoint is labelled one before its request.</summary>
    public static readonly Duration Resolution = Duration.FromTicks(10);

    public static IEnumerable<Instant> DueBefore(IEnumerable<IEvent> events, long everyEvents) =>
        events.Where(e => e.Sequence % everyEvents == 0).Select(e => Instant.FromDateTimeOffset(e.Timestamp)).Distinct();
}
