using NodaTime;

namespace CustomerSuccess.Metrics.Periods;

public enum ReportingInterval
{
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

public sealed record ReportingPeriod(LocalDate From, LocalDate To);

/// <summary>
/// Splits an inclusive date range into calendar periods (ISO weeks end on Sunday), clipped to the range:
/// 2024-01-15..2024-03-10 by month is 01-15..01-31, 02-01..02-29, 03-01..03-10.
/// </summary>
public static class ReportingPeriods
{
    public static bool TryParse(string text, out ReportingInterval interval) =>
        Enum.TryParse(text, ignoreCase: true, out interval) && Enum.IsDefined(interval) && !int.TryParse(text, out _);

    public static IReadOnlyList<ReportingPeriod> Split(LocalDate from, LocalDate to, ReportingInterval? interval)
    {
        if (interval is not { } step)
        {
            return [new ReportingPeriod(from, to)];
        }

        var periods = new List<ReportingPeriod>();
        for (var start = from; start <= to;)
        {
            var end = EndOfPeriod(start, step);
            periods.Add(new ReportingPeriod(start, end < to ? end : to));
            start = end.PlusDays(1);
        }

        return periods;
    }

    /// <summary>How many periods <see cref="Split"/> would return, without building them.</summary>
    public static long Count(LocalDate from, LocalDate to, ReportingInterval interval) => interval switch
    {
        ReportingInterval.Day => Period.DaysBetween(from, to) + 1,
        ReportingInterval.Week => Period.DaysBetween(from, to) / 7 + 2,
        ReportingInterval.Month => (to.Year - from.Year) * 12 + to.Month - from.Month + 1,
        ReportingInterval.Quarter => (to.Year - from.Year) * 4 + (to.Month - 1) / 3 - (from.Month - 1) / 3 + 1,
        ReportingInterval.Year => to.Year - from.Year + 1,
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, null),
    };

    private static LocalDate EndOfPeriod(LocalDate day, ReportingInterval interval) => interval switch
    {
        ReportingInterval.Day => day,
        ReportingInterval.Week => day.PlusDays(7 - (int)day.DayOfWeek),
        ReportingInterval.Month => new LocalDate(day.Year, day.Month, 1).PlusMonths(1).PlusDays(-1),
        ReportingInterval.Quarter => new LocalDate(day.Year, (day.Month - 1) / 3 * 3 + 1, 1).PlusMonths(3).PlusDays(-1),
        ReportingInterval.Year => new LocalDate(day.Year, 12, 31),
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, null),
    };
}
