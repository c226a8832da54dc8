using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CustomerSuccess.Metrics.Events;

namespace CustomerSuccess.Metrics.Recording;

/// <summary>
/// Proof that an eventId was appended, and to which stream, with a fingerprint of its content: the
/// idempotency record. Written in the same transaction as the event it describes.
/// </summary>
public sealed class EventReceipt
{
    public string Id { get; set; } = "";

    public string Type { get; set; } = "";

    public string StreamKey { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    /// <summary>The eventId of the void that retracted this event, if any.</summary>
    public string? VoidedBy { get; set; }

    public static string FingerprintOf(IPublishedEvent e, JsonSerializerOptions options)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), options);
        var type = Encoding.UTF8.GetBytes(EventTypeNames.Of(e));
        return Convert.ToHexString(SHA256.HashData([.. type, .. json]));
    }
}
