using CustomerSuccess.Metrics.Events;

namespace CustomerSuccess.Metrics.Health;

/// <summary>
/// How a health score is computed, configured as <c>Health:*</c>. The score is computed when asked for, never stored, so a
/// changed weight or threshold applies to every date and every knowledge instant alike.
/// </summary>
public sealed record HealthModel
{
    public decimal AdoptionWeight { get; init; } = 30m;

    public decimal EngagementWeight { get; init; } = 20m;

    public decimal SatisfactionWeight { get; init; } = 20m;

    public decimal RiskWeight { get; init; } = 15m;

    public decimal ArrTrendWeight { get; init; } = 15m;

    /// <summary>A score at or above this is green.</summary>
    public decimal GreenFrom { get; init; } = 70m;

    /// <summary>A score at or above this, and below <see cref="GreenFrom"/>, is yellow; below it, red.</summary>
    public decimal YellowFrom { get; init; } = 40m;

    /// <summary>Active users ÷ licensed seats at which a customer counts as adopted, and the adoption input scores 100.</summary>
    public decimal AdoptionTarget { get; init; } = 0.8m;

    /// <summary>A usage report older than this many days before the date is too old to score adoption by.</summary>
    public int UsageFreshDays { get; init; } = 90;

    /// <summary>Survey answers dated within this many days up to the date make up satisfaction.</summary>
    public int SatisfactionDays { get; init; } = 180;

    /// <summary>ARR trend compares ARR on the date with ARR this many days before.</summary>
    public int ArrTrendDays { get; init; } = 90;

    /// <summary>Days a high-touch account may go without a touch before engagement starts to fall.</summary>
    public int HighTouchCadenceDays { get; init; } = 30;

    public int LowTouchCadenceDays { get; init; } = 90;

    public int TechTouchCadenceDays { get; init; } = 180;

    /// <summary>The cadence of an account no touch model was assigned to.</summary>
    public int UnassignedCadenceDays { get; init; } = 90;

    public decimal HighRiskPenalty { get; init; } = 50m;

    public decimal MediumRiskPenalty { get; init; } = 25m;

    public decimal LowRiskPenalty { get; init; } = 10m;

    /// <summary>A customer is onboarding for at most this many days from signing, and onboarded in time if adopted within them.</summary>
    public int OnboardingDays { get; init; } = 90;

    /// <summary>A customer is in the renewal stage when a contract's term ends within this many days after the date.</summary>
    public int RenewalWindowDays { get; init; } = 90;

    public int CadenceDays(string? touchModel) => touchModel switch
    {
        SignalVocabulary.HighTouch => HighTouchCadenceDays,
        SignalVocabulary.LowTouch => LowTouchCadenceDays,
        SignalVocabulary.TechTouch => TechTouchCadenceDays,
        _ => UnassignedCadenceDays,
    };

    public decimal Penalty(string severity) => severity switch
    {
        "high" => HighRiskPenalty,
        "medium" => MediumRiskPenalty,
        _ => LowRiskPenalty,
    };

    /// <summary>What is wrong with this configuration; empty when it can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        decimal[] weights = [AdoptionWeight, EngagementWeight, SatisfactionWeight, RiskWeight, ArrTrendWeight];
        if (weights.Any(w => w < 0m) || weights.Sum() <= 0m)
        {
            problems.Add("Health weights must not be negative, and at least one must be above 0.");
        }

        if (YellowFrom < 0m || GreenFrom > 100m || YellowFrom > GreenFrom)
        {
            problems.Add("Health:YellowFrom and Health:GreenFrom must satisfy 0 <= YellowFrom <= GreenFrom <= 100.");
        }

        if (AdoptionTarget is <= 0m or > 1m)
        {
            problems.Add("Health:AdoptionTarget must be above 0 and at most 1.");
        }

        int[] days = [UsageFreshDays, SatisfactionDays, ArrTrendDays, HighTouchCadenceDays, LowTouchCadenceDays, TechTouchCadenceDays,
            UnassignedCadenceDays, OnboardingDays, RenewalWindowDays];
        if (days.Any(d => d is < 1 or > 3_650))
        {
            problems.Add("Every Health:*Days setting must be a whole number of days from 1 to 3650.");
        }

        if (new[] { HighRiskPenalty, MediumRiskPenalty, LowRiskPenalty }.Any(p => p is < 0m or > 100m))
        {
            problems.Add("Health risk penalties must be from 0 to 100.");
        }

        return problems;
    }
}
