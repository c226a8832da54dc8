using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>
/// An answer written while its rows are read from the database, as JSON or CSV as the request asks, so that no answer
/// is held whole in memory however many rows it has. The knowledge instant answered for is also sent as the
/// <c>Known-At</c> header, which is all a CSV answer says of it. An answer without <c>writeCsv</c> is JSON only,
/// for an endpoint that does not accept <c>format</c>.
/// </summary>
public sealed class StreamedResult(
    FigureRequest request, string fileName, Func<JsonRows, CancellationToken, Task> writeJson, Func<CsvRows, CancellationToken, Task>? writeCsv = null)
    : IResult
{
    public const string KnownAtHeader = "Known-At";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellation = httpContext.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.Vary = "Accept";
        response.Headers[KnownAtHeader] = InstantPattern.ExtendedIso.Format(request.KnownAt);
        if (request.Format == ResponseFormat.Csv && writeCsv is not null)
        {
            response.ContentType = $"{ResponseFormats.CsvMediaType}; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.csv\"";
            var csv = new CsvRows(response.BodyWriter);
            await writeCsv(csv, cancellation).ConfigureAwait(false);
            await csv.SendAsync(cancellation).ConfigureAwait(false);
            return;
        }

        response.ContentType = "application/json; charset=utf-8";
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var json = new JsonRows(response.BodyWriter, options);
        await using (json.ConfigureAwait(false))
        {
            await writeJson(json, cancellation).ConfigureAwait(false);
            await json.SendAsync(cancellation).ConfigureAwait(false);
        }
    }
}
