namespace CustomerSuccess.Metrics.Timeline;

/// <summary>
/// What a day of a customer's timeline was believed to be at some instant: the customer's ARR at the end of the day
/// before and at the end of the day, and the day's movement (null when its ARR did not change).
/// </summary>
public sealed record DayFigures(decimal ArrBefore, decimal ArrAfter, string? Kind);
