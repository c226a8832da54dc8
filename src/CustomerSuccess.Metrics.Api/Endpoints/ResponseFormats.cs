using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>
/// Chooses between JSON and CSV: the <c>format</c> parameter when given, else the Accept header, else JSON. Of the
/// media types the header lists, the one of highest quality (the first of equals) decides: <c>text/csv</c> or
/// <c>text/*</c> asks for CSV; <c>application/json</c>, <c>application/*</c> or <c>*/*</c> for JSON.
/// </summary>
public static class ResponseFormats
{
    public static readonly IReadOnlyList<string> Names = ["json", "csv"];

    public const string CsvMediaType = "text/csv";

    public static ResponseFormat Read(ReadParameters parameters, StringValues accept)
    {
        var asked = parameters.OneOf("format", Names);
        if (asked is not null)
        {
            return asked == "csv" ? ResponseFormat.Csv : ResponseFormat.Json;
        }

        if (!MediaTypeHeaderValue.TryParseList(accept, out var media))
        {
            return ResponseFormat.Json;
        }

        var deciding = media
            .Where(m => (m.Quality ?? 1d) > 0d)
            .Select((m, position) => (Format: FormatOf(m.MediaType.Value), Quality: m.Quality ?? 1d, position))
            .Where(m => m.Format is not null)
            .OrderByDescending(m => m.Quality).ThenBy(m => m.position)
            .FirstOrDefault();
        return deciding.Format ?? ResponseFormat.Json;
    }

    private static ResponseFormat? FormatOf(string? mediaType) => mediaType?.ToLowerInvariant() switch
    {
        CsvMediaType or "text/*" => ResponseFormat.Csv,
        "application/json" or "application/*" or "*/*" => ResponseFormat.Json,
        _ => null,
    };
}
