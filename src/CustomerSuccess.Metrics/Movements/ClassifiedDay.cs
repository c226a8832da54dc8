using NodaTime;

namespace CustomerSuccess.Metrics.Movements;

/// <summary>One effective day of a customer's timeline: the customer's ARR at the end of the day before and of this one, and its movements.</summary>
public sealed record ClassifiedDay(LocalDate Date, decimal ArrBefore, decimal ArrAfter, IReadOnlyList<Movement> Movements)
{
    /// <summary>The day's ARR movement (new, expansion, contraction, churn or reactivation); null when its ARR did not change.</summary>
    public string? Kind => Movements.FirstOrDefault(m => MovementKinds.Bridge.Contains(m.Kind))?.Kind;
}
