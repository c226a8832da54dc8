using System.Text.Json;

namespace CustomerSuccess.Metrics.Recording;

/// <summary>
/// Reads a body of published events, as sent over HTTP or as a message on the bus: one JSON event or an array of them,
/// at most <see cref="MaxBytes"/>, every field checked by <see cref="EventParser"/>.
/// </summary>
public static class EventBody
{
    public const int MaxBytes = 4 * 1024 * 1024;

    public const int MaxDepth = 16;

    /// <summary>The events, or every error found keyed by path ("" for the body as a whole).</summary>
    public static ParsedBatch Parse(ReadOnlyMemory<byte> utf8, out bool isBatch)
    {
        isBatch = false;
        if (utf8.Length > MaxBytes)
        {
            return Invalid($"the body may be at most {MaxBytes / 1024 / 1024} MiB; send large loads as batches of up to 1,000 events");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            return Invalid($"the body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            isBatch = document.RootElement.ValueKind == JsonValueKind.Array;
            return EventParser.Parse(document.RootElement);
        }
    }

    private static ParsedBatch Invalid(string message) =>
        new([], new Dictionary<string, string[]>(StringComparer.Ordinal) { [""] = [message] });
}
