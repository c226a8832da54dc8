using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>
/// A CSV answer (RFC 4180: comma-separated, CRLF line ends, a field holding a comma, quote or line break quoted with
/// its quotes doubled) written straight into the response body row by row, and sent on every few kilobytes.
/// </summary>
public sealed class CsvRows(PipeWriter body)
{
    private const int FlushBytes = 16 * 1024;

    private readonly StringBuilder _line = new();
    private long _pending;

    /// <summary>Money rounded as in JSON, always with two decimal places.</summary>
    public static string Money(decimal amount) => Presentation.Money(amount).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A score rounded as in JSON; empty when there is none.</summary>
    public static string? Score(decimal? score) => score is { } s ? Presentation.Score(s).ToString(CultureInfo.InvariantCulture) : null;

    public static string? Date(LocalDate? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Instant(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    public static string Boolean(bool value) => value ? "true" : "false";

    /// <summary>
    /// Free text as a spreadsheet will show it: text beginning with = + - @ or a tab or carriage return gets a leading
    /// apostrophe, so that it is never run as a formula.
    /// </summary>
    public static string? Text(string? text) =>
        text is { Length: > 0 } && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    public async ValueTask WriteAsync(IReadOnlyList<string?> fields, CancellationToken cancellation)
    {
        _line.Clear();
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                _line.Append(',');
            }

            var field = fields[i] ?? "";
            if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
            {
                _line.Append(field);
            }
            else
            {
                _line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
        }

        _line.Append("\r\n");
        _pending += Encoding.UTF8.GetBytes(_line.ToString(), body);
        if (_pending >= FlushBytes)
        {
            await SendAsync(cancellation).ConfigureAwait(false);
        }
    }

    public async ValueTask SendAsync(CancellationToken cancellation)
    {
        _pending = 0;
        await body.FlushAsync(cancellation).ConfigureAwait(false);
    }
}
