using NodaTime;

namespace CustomerSuccess.Metrics.Timeline;

/// <summary>A day on which something happened to a customer: its figures and its events in effective order.</summary>
public sealed record TimelineDay(LocalDate Date, DayFigures Figures, IReadOnlyList<TimelineEvent> Events);
