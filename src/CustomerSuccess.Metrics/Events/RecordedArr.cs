namespace CustomerSuccess.Metrics.Events;

/// <summary>
/// ARR as the engine records it: at most six decimal places, the precision every amount is limited to. A normalised
/// ARR that does not terminate (a 7-month 1,000 is 1,714.285714…) is rounded half-even to those places, so every stored
/// ARR and every sum of them stays exact and within what a <see cref="decimal"/> holds.
/// </summary>
public static class RecordedArr
{
    public const int DecimalPlaces = 6;

    /// <summary>ARR from a recurring amount and the months it covers: amount × 12 / months, rounded to six places.</summary>
    public static decimal FromRecurring(decimal amount, int periodMonths) => Round(amount * 12m / periodMonths);

    /// <summary>Rounds half-even to six places and drops trailing zeros; a value already within six places is unchanged.</summary>
    public static decimal Round(decimal arr) => Normalise(Math.Round(arr, DecimalPlaces, MidpointRounding.ToEven));

    /// <summary>Drops trailing zeros so that 12000 and 12000.00 are the same amount everywhere.</summary>
    public static decimal Normalise(decimal value) => value / 1.0000000000000000000000000000m;
}
