namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>Rounding happens here and only here: half-even, money to 2 places, rates to 6.</summary>
public static class Presentation
{
    public static decimal Money(decimal value) => Math.Round(value, 2, MidpointRounding.ToEven);

    public static decimal Rate(decimal value) => Math.Round(value, 6, MidpointRounding.ToEven);
}
