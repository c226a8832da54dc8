using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using CustomerSuccess.Metrics.Api.Endpoints;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// Long answers are sent while they are written: at any moment, all but the last few kilobytes written have been
/// handed to the body, so an answer is never held whole in memory.
/// </summary>
public class StreamedAnswerTests
{
    private const int Unsent = 16 * 1024;

    private static Pipe Body() => new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));

    private static long Sent(Pipe body)
    {
        Assert.True(body.Reader.TryRead(out var read));
        var length = read.Buffer.Length;
        body.Reader.AdvanceTo(read.Buffer.End);
        return length;
    }

    [Fact]
    public async Task json_rows_are_sent_every_few_kilobytes()
    {
        var body = Body();
        var json = new JsonRows(body.Writer, Metrics.MetricsStore.ConfigureJson(new JsonSerializerOptions()));
        await using (json)
        {
            json.Writer.WriteStartArray();
            long sent = 0;
            for (var i = 0; i < 5_000; i++)
            {
                json.Item(new { customerId = $"customer-{i}", arr = 12_000m + i });
                await json.SendIfFullAsync(CancellationToken.None);
                if (i % 500 == 499)
                {
                    sent += Sent(body);
                    Assert.InRange(json.Writer.BytesCommitted + json.Writer.BytesPending - sent, 0, Unsent);
                }
            }

            json.Writer.WriteEndArray();
            await json.SendAsync(CancellationToken.None);
            sent += Sent(body);
            Assert.Equal(json.Writer.BytesCommitted, sent);
        }
    }

    [Fact]
    public async Task csv_rows_are_sent_every_few_kilobytes_and_quoted_where_they_must_be()
    {
        var body = Body();
        var csv = new CsvRows(body.Writer);
        var written = 0L;
        var sent = 0L;
        for (var i = 0; i < 5_000; i++)
        {
            string[] row = [$"customer-{i}", CsvRows.Money(12_000.005m + i), "a, \"quoted\"\r\nreason"];
            await csv.WriteAsync(row, CancellationToken.None);
            written += Encoding.UTF8.GetByteCount($"customer-{i},{12_000 + i}.00,\"a, \"\"quoted\"\"\r\nreason\"\r\n");
            if (i % 500 == 499)
            {
                sent += Sent(body);
                Assert.InRange(written - sent, 0, Unsent);
            }
        }

        await csv.SendAsync(CancellationToken.None);
        Assert.Equal(written, sent + Sent(body));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")")]
    [InlineData("+1", "'+1")]
    [InlineData("-budget", "'-budget")]
    [InlineData("@once", "'@once")]
    [InlineData("budget", "budget")]
    [InlineData(null, null)]
    public void text_a_spreadsheet_would_run_as_a_formula_is_written_as_text(string? text, string? written) =>
        Assert.Equal(written, CsvRows.Text(text));
}
