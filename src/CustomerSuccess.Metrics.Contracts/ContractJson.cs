using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerSuccess.Metrics.Contracts.V1;

/// <summary>Writes and reads the wire format: camelCase names, ISO dates, amounts as JSON numbers, absent optionals left out.</summary>
public static class ContractJson
{
    /// <summary>The serializer options of the wire format.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        AllowOutOfOrderMetadataProperties = true,
    };

    /// <summary>One event, as a request or message body.</summary>
    public static byte[] Serialize(PublishedEvent published) => JsonSerializer.SerializeToUtf8Bytes(published, Options);

    /// <summary>A batch, applied atomically: every event or none.</summary>
    public static byte[] Serialize(IEnumerable<PublishedEvent> batch) => JsonSerializer.SerializeToUtf8Bytes(batch.ToArray(), Options);

    /// <summary>An integration event the engine published.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"The message is not a {typeof(T).Name}.");
}
