using NodaTime;

namespace CustomerSuccess.Metrics.Timeline;

/// <summary>A contract event behind a day of a customer's timeline; a voided one is listed too, marked, though it counts for nothing.</summary>
public sealed record TimelineEvent(string EventId, string Type, LocalDate EffectiveDate, Instant RecordedAt, string ContractId, bool Voided);
