using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Recording;
using NodaTime;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>The customer-success signal events: every shape read, every bound refused naming its field.</summary>
public class SignalEventParserTests
{
    private static ParsedBatch Parse(string json) => EventParser.Parse(JsonDocument.Parse(json).RootElement);

    private static readonly LocalDate Day = new(2025, 3, 1);

    [Fact]
    public void every_signal_shape_is_read()
    {
        var batch = Parse("""
            [{"eventId":"s-1","type":"survey.nps_answered","customerId":"acme","effectiveDate":"2025-03-01","respondentId":"cfo@acme","score":0,"comment":"slow"},
             {"eventId":"s-2","type":"survey.csat_answered","customerId":"acme","effectiveDate":"2025-03-01","respondentId":"r-1","score":100,"scale":"1-100","topic":"ticket-1"},
             {"eventId":"s-3","type":"usage.reported","customerId":"acme","effectiveDate":"2025-03-01","periodStartDate":"2025-02-01","licensedSeats":10,"activeUsers":12,"logins":0,"features":["a","b_2"]},
             {"eventId":"s-4","type":"engagement.recorded","customerId":"acme","effectiveDate":"2025-03-01","kind":"onboarding_session","participants":["Dana O'Neil"]},
             {"eventId":"s-5","type":"risk.flagged","customerId":"acme","effectiveDate":"2025-03-01","factor":"budget_cut","severity":"low"},
             {"eventId":"s-6","type":"risk.cleared","customerId":"acme","effectiveDate":"2025-03-01","factor":"budget_cut","note":"approved"},
             {"eventId":"s-7","type":"customer.assigned","customerId":"acme","effectiveDate":"2025-03-01","csm":"dana","touchModel":"tech"}]
            """);

        Assert.True(batch.IsValid, string.Join("; ", batch.Errors.Select(e => $"{e.Key}: {string.Join(",", e.Value)}")));
        Assert.Equal(new NpsAnswered("s-1", "acme", Day, "cfo@acme", 0, "slow"), batch.Events[0]);
        Assert.Equal(new CsatAnswered("s-2", "acme", Day, "r-1", 100, "1-100", "ticket-1"), batch.Events[1]);
        var usage = Assert.IsType<UsageReported>(batch.Events[2]);
        Assert.Equal((new LocalDate(2025, 2, 1), 10, 12, 0L), (usage.PeriodStartDate!.Value, usage.LicensedSeats, usage.ActiveUsers, usage.Logins!.Value));
        Assert.Equal(["a", "b_2"], usage.Features!);
        Assert.Equal(["Dana O'Neil"], Assert.IsType<EngagementRecorded>(batch.Events[3]).Participants!);
        Assert.Equal(new RiskFlagged("s-5", "acme", Day, "budget_cut", "low", null), batch.Events[4]);
        Assert.Equal(new RiskCleared("s-6", "acme", Day, "budget_cut", "approved"), batch.Events[5]);
        Assert.Equal(new CustomerAssigned("s-7", "acme", Day, "dana", "tech"), batch.Events[6]);
        Assert.All(batch.Events, e => Assert.Contains(EventTypeNames.Of(e), EventTypeNames.All));
    }

    private const string Nps = """{"eventId":"s-1","type":"survey.nps_answered","customerId":"acme","effectiveDate":"2025-03-01","respondentId":"r-1","score":9}""";
    private const string Csat = """{"eventId":"s-2","type":"survey.csat_answered","customerId":"acme","effectiveDate":"2025-03-01","respondentId":"r-1","score":4,"scale":"1-5"}""";
    private const string Usage = """{"eventId":"s-3","type":"usage.reported","customerId":"acme","effectiveDate":"2025-03-01","licensedSeats":10,"activeUsers":5}""";
    private const string Touch = """{"eventId":"s-4","type":"engagement.recorded","customerId":"acme","effectiveDate":"2025-03-01","kind":"qbr"}""";
    private const string Risk = """{"eventId":"s-5","type":"risk.flagged","customerId":"acme","effectiveDate":"2025-03-01","factor":"low_usage","severity":"high"}""";
    private const string Assigned = """{"eventId":"s-7","type":"customer.assigned","customerId":"acme","effectiveDate":"2025-03-01","csm":"dana","touchModel":"high"}""";

    /// <summary>The event with one field set to a JSON value, added if absent.</summary>
    private static string With(string json, string field, string value)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node[field] = JsonNode.Parse(value);
        return node.ToJsonString();
    }

    [Theory]
    [InlineData(Nps, "score", "11", "must be between 0 and 10")]
    [InlineData(Nps, "score", "-1", "must be between 0 and 10")]
    [InlineData(Nps, "score", "9.5", "must be a whole number")]
    [InlineData(Nps, "respondentId", "\"a b\"", "may hold only")]
    [InlineData(Nps, "comment", "\"\"", "must not be blank")]
    [InlineData(Csat, "score", "6", "must be between 1 and 5")]
    [InlineData(Csat, "scale", "\"1-10\"", "must be one of 1-5, 1-100")]
    [InlineData(Usage, "licensedSeats", "0", "must be between 1 and 10000000")]
    [InlineData(Usage, "activeUsers", "-3", "must be between 0 and 10000000")]
    [InlineData(Usage, "logins", "1e12", "must be a whole number")]
    [InlineData(Usage, "periodStartDate", "\"2025-03-02\"", "must not be after effectiveDate")]
    [InlineData(Usage, "features", "[\"Reports\"]", "lower-case slug")]
    [InlineData(Usage, "features", "[\"a\",\"a\"]", "twice")]
    [InlineData(Usage, "features", "\"reports\"", "must be an array of strings")]
    [InlineData(Usage, "features", "[1]", "must be an array of strings")]
    [InlineData(Touch, "kind", "\"lunch\"", "must be one of qbr")]
    [InlineData(Touch, "participants", "[\"\"]", "blank")]
    [InlineData(Risk, "severity", "\"critical\"", "must be one of low, medium, high")]
    [InlineData(Risk, "factor", "\"Champion Left\"", "lower-case slug")]
    [InlineData(Assigned, "touchModel", "\"none\"", "must be one of high, low, tech")]
    [InlineData(Assigned, "csm", "null", "is required")]
    [InlineData(Assigned, "customerId", "\"mt_events\"", "must not begin with 'mt_'")]
    [InlineData(Nps, "arr", "100", "is not a field of this event type")]
    public void bad_signal_input_is_refused_naming_the_field(string json, string field, string value, string message)
    {
        var batch = Parse(With(json, field, value));

        Assert.False(batch.IsValid);
        Assert.True(batch.Errors.TryGetValue(field, out var errors), $"no error for {field}: {string.Join("; ", batch.Errors.Keys)}");
        Assert.Contains(errors, e => e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void features_and_participants_are_bounded_in_number()
    {
        var features = string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"f{i}\""));
        Assert.Contains("must hold at most 100 items", Parse(With(Usage, "features", $"[{features}]")).Errors["features"][0], StringComparison.Ordinal);
        var people = string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"p{i}\""));
        Assert.Contains("must hold at most 20 items", Parse(With(Touch, "participants", $"[{people}]")).Errors["participants"][0], StringComparison.Ordinal);
    }
}
