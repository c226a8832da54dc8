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
        var records = contentType == "text/csv" ? Parse(text) : [];
        var columns = records.Count > 0 ? records[0] : [];
        var rows = records.Skip(1).Select(r => (IReadOnlyDictionary<string, string>)columns.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
        return new CsvReply(response.StatusCode, contentType, headers, columns, rows, text);
    }

    /// <summary>RFC 4180 records: fields split on commas, quoted fields with doubled quotes, records ended by CRLF.</summary>
    public static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.True(field.Length == 0 && record.Count == 0, "the CSV does not end with CRLF");
        return records;
    }

    public CsvReply ShouldBe(HttpStatusCode expected)
    {
        Assert.True(Status == expected, $"Expected {(int)expected} but got {(int)Status}: {Text}");
        return this;
    }
}
