using NodaTime;

namespace CustomerSuccess.Metrics.Periods;

/// <summary>How a figure of a period is presented: money, a rate, or a count of customers.</summary>
public enum FigureUnit
{
    Money,
    Rate,
    Count,
}

/// <summary>One named figure of a period and how to read it from <see cref="PeriodFigures"/>.</summary>
public sealed record PeriodFigure(string Name, FigureUnit Unit, Func<PeriodFigures, decimal?> Read);

/// <summary>
/// What is reported for a calendar month when it is closed, for the whole book: the month's ARR bridge, the customers
/// active at its end, the retention rates of the twelve months that end with it, and the month's retention spend and
/// cost of retention.
/// </summary>
public sealed record PeriodFigures(
    decimal OpeningArr,
    decimal NewArr,
    decimal ReactivationArr,
    decimal ExpansionArr,
    decimal ContractionArr,
    decimal ChurnArr,
    decimal ClosingArr,
    int ActiveCustomers,
    decimal? GrossRenewalRate,
    decimal? NetRenewalRate,
    decimal? LogoRetention,
    decimal RetentionCost,
    decimal? CostOfRetention)
{
    /// <summary>Every figure, in the order they are listed.</summary>
    public static readonly IReadOnlyList<PeriodFigure> All =
    [
        new("openingArr", FigureUnit.Money, f => f.OpeningArr),
        new("newArr", FigureUnit.Money, f => f.NewArr),
        new("reactivationArr", FigureUnit.Money, f => f.ReactivationArr),
        new("expansionArr", FigureUnit.Money, f => f.ExpansionArr),
        new("contractionArr", FigureUnit.Money, f => f.ContractionArr),
        new("churnArr", FigureUnit.Money, f => f.ChurnArr),
        new("closingArr", FigureUnit.Money, f => f.ClosingArr),
        new("activeCustomers", FigureUnit.Count, f => f.ActiveCustomers),
        new("grossRenewalRate", FigureUnit.Rate, f => f.GrossRenewalRate),
        new("netRenewalRate", FigureUnit.Rate, f => f.NetRenewalRate),
        new("logoRetention", FigureUnit.Rate, f => f.LogoRetention),
        new("retentionCost", FigureUnit.Money, f => f.RetentionCost),
        new("costOfRetention", FigureUnit.Money, f => f.CostOfRetention),
    ];

    /// <summary>The figures that differ from <paramref name="other"/>'s, exactly (before any rounding).</summary>
    public IReadOnlyList<PeriodFigure> DifferingFrom(PeriodFigures other) => [.. All.Where(f => f.Read(this) != f.Read(other))];
}

/// <summary>The dates a month's figures cover: the month itself, and the twelve months that end with it for retention.</summary>
public sealed record PeriodDates(YearMonth Month)
{
    public LocalDate From => Month.OnDayOfMonth(1);

    public LocalDate To => Month.OnDayOfMonth(Month.Calendar.GetDaysInMonth(Month.Year, Month.Month));

    public LocalDate RetentionFrom => To.PlusYears(-1).PlusDays(1);
}
