using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>Rounding happens here and only here, as a figure is written: half-even, money and scores to 2 places, rates to 6.</summary>
public static class Presentation
{
    public static decimal Money(decimal value) => Math.Round(value, 2, MidpointRounding.ToEven);

    public static decimal Rate(decimal value) => Math.Round(value, 6, MidpointRounding.ToEven);

    public static decimal Score(decimal value) => Math.Round(value, 2, MidpointRounding.ToEven);
}

/// <summary>Writes a score (NPS, CSAT, health, on 0–100 or −100–100) rounded half-even to 2 places.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ScoreAttribute() : JsonConverterAttribute(typeof(RoundingConverter.Score));

/// <summary>Writes a money figure rounded half-even to 2 places.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MoneyAttribute() : JsonConverterAttribute(typeof(RoundingConverter.Money));

/// <summary>Writes a rate rounded half-even to 6 places.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RateAttribute() : JsonConverterAttribute(typeof(RoundingConverter.Rate));

/// <summary>Writes every value of a map of money figures rounded half-even to 2 places.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MoneyValuesAttribute() : JsonConverterAttribute(typeof(MoneyValuesConverter));

public abstract class RoundingConverter(Func<decimal, decimal> round) : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(round(value));

    public sealed class Money() : RoundingConverter(Presentation.Money);

    public sealed class Rate() : RoundingConverter(Presentation.Rate);

    public sealed class Score() : RoundingConverter(Presentation.Score);
}

public sealed class MoneyValuesConverter : JsonConverter<IReadOnlyDictionary<string, decimal>>
{
    public override IReadOnlyDictionary<string, decimal> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<Dictionary<string, decimal>>(ref reader, options) ?? [];

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, decimal> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, amount) in value)
        {
            writer.WriteNumber(options.DictionaryKeyPolicy?.ConvertName(key) ?? key, Presentation.Money(amount));
        }

        writer.WriteEndObject();
    }
}
