using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CustomerSuccess.Metrics.Events;

namespace CustomerSuccess.Metrics.Recording;

/// <summary>
/// Proof that an eventId was appended, and to which stream, with a fingerprint of its content: the
/// idempotency record. Derived from the event log by <see cref="EventReceipts"/>, in the same transaction
/// as the event it describes.
/// </summary>
public sealed class EventReceipt
{
    private static readonly JsonSerializerOptions FingerprintJson = MetricsStore.ConfigureJson(new JsonSerializerOptions());

    private readonly IPublishedEvent? _source;
    private string? _fingerprint;

    public string Id { get; init; } = "";

    public string Type { get; init; } = "";

    public string StreamKey { get; init; } = "";

    /// <summary>Taken from the event when first asked for, so an event is hashed once on its way in.</summary>
    public string Fingerprint
    {
        get => _fingerprint ??= FingerprintOf(_source ?? throw new InvalidOperationException($"The receipt of '{Id}' has no fingerprint"));
        init => _fingerprint = value;
    }

    /// <summary>The eventId of the void that retracted this event, if any.</summary>
    public string? VoidedBy { get; set; }

    public EventReceipt()
    {
    }

    private EventReceipt(IPublishedEvent source) => _source = source;

    public static EventReceipt For(IPublishedEvent e, string streamKey) => new(e)
    {
        Id = e.EventId, Type = EventTypeNames.Of(e), StreamKey = streamKey,
    };

    /// <summary>The same content gives the same fingerprint, whether parsed from a request or read back from the log.</summary>
    public static string FingerprintOf(IPublishedEvent e)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), FingerprintJson);
        var type = Encoding.UTF8.GetBytes(EventTypeNames.Of(e));
        return Convert.ToHexString(SHA256.HashData([.. type, .. json]));
    }
}
