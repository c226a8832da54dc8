using System.Net;
using System.Text;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>An answer asked for with an Accept header; when it is CSV, read back into its header and rows, each row by column name.</summary>
public sealed record CsvReply(HttpStatusCode Status, string? ContentType, IReadOnlyDictionary<string, string> Headers, IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Rows, string Text)
{
    public static async Task<CsvReply> GetAsync(MetricsApp app, string path, string? accept = null)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var records = contentType == "text/csv" ? Rfc4180.Parse(text) : [];
        var columns = records.Count > 0 ? records[0] : [];
        var rows = records.Skip(1).Select(r => (IReadOnlyDictionary<string, string>)columns.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
        return new CsvReply(response.StatusCode, contentType, headers, columns, rows, text);
    }

    public CsvReply ShouldBe(HttpStatusCode expected)
    {
        Assert.True(Status == expected, $"Expected {(int)expected} but got {(int)Status}: {Text}");
        return this;
    }
}
