using NodaTime;

namespace CustomerSuccess.Metrics.Timeline;

/// <summary>A day whose figures a revision changed: as believed just before it and from it on.</summary>
public sealed record DayRevision(LocalDate Date, DayFigures Before, DayFigures After);
