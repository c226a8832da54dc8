using System.Globalization;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// A figure as presented (money and scores rounded half-even to 2 places, rates to 6), flattened to named values so that
/// the API's answer and a baseline's can be compared value by value.
/// </summary>
internal sealed class Figure
{
    private readonly List<KeyValuePair<string, decimal?>> _values = [];

    public Figure Add(string key, decimal? value)
    {
        _values.Add(new(key, value));
        return this;
    }

    public Figure AddMoney(string key, decimal value) => Add(key, Money(value));

    public Figure AddRate(string key, decimal? value) => Add(key, value is { } v ? Math.Round(v, 6, MidpointRounding.ToEven) : null);

    /// <summary>A score (health, NPS) as presented: 2 places, half-even.</summary>
    public Figure AddScore(string key, decimal? value) => Add(key, value is { } v ? Math.Round(v, 2, MidpointRounding.ToEven) : null);

    public static decimal Money(decimal value) => Math.Round(value, 2, MidpointRounding.ToEven);

    /// <summary>Every value that differs or is missing on one side, described for the report.</summary>
    public static IReadOnlyList<string> Differences(Figure api, Figure baseline)
    {
        var expected = api._values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        var actual = baseline._values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var key in api._values.Select(v => v.Key).Concat(baseline._values.Select(v => v.Key)).Distinct(StringComparer.Ordinal))
        {
            var inApi = expected.TryGetValue(key, out var a);
            var inBaseline = actual.TryGetValue(key, out var b);
            if (!inApi || !inBaseline || a != b)
            {
                differences.Add($"{key}: API {Show(inApi, a)}, baseline {Show(inBaseline, b)}");
            }
        }

        return differences;
    }

    private static string Show(bool present, decimal? value) =>
        !present ? "(absent)" : value?.ToString(CultureInfo.InvariantCulture) ?? "null";
}
