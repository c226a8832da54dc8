using CustomerSuccess.Metrics.Events;
using NodaTime;

namespace CustomerSuccess.Metrics.Recording;

/// <summary>Reads the customer-success signal events, each bounded like the contract events.</summary>
internal static class SignalReader
{
    public const int MaxCommentLength = 2_000;
    public const int MaxSeats = 10_000_000;
    public const int MaxLogins = 1_000_000_000;
    public const int MaxFeatures = 100;
    public const int MaxParticipants = 20;

    private const string SlugRule = "must be a lower-case slug such as champion_left: letters, digits and _, starting with a letter";

    public static IPublishedEvent? Nps(FieldReader reader, string? eventId)
    {
        var (customerId, effective) = Common(reader);
        var respondent = reader.Id("respondentId", required: true);
        var score = reader.Integer("score", required: true, min: 0, max: 10);
        var comment = reader.Text("comment", required: false, maxLength: MaxCommentLength);
        return reader.HasErrors ? null : new NpsAnswered(eventId!, customerId!, effective!.Value, respondent!, score!.Value, comment);
    }

    public static IPublishedEvent? Csat(FieldReader reader, string? eventId)
    {
        var (customerId, effective) = Common(reader);
        var respondent = reader.Id("respondentId", required: true);
        var scale = reader.OneOf("scale", SignalVocabulary.Scales);
        int? score = null;
        if (scale is not null)
        {
            var (min, max) = SignalVocabulary.Bounds(scale);
            score = reader.Integer("score", required: true, min, max);
        }
        else
        {
            reader.IgnoreFields("score");
        }

        var topic = reader.Text("topic", required: false, maxLength: 200);
        return reader.HasErrors ? null : new CsatAnswered(eventId!, customerId!, effective!.Value, respondent!, score!.Value, scale!, topic);
    }

    public static IPublishedEvent? Usage(FieldReader reader, string? eventId)
    {
        var (customerId, effective) = Common(reader);
        var start = reader.Date("periodStartDate", required: false);
        if (start is { } s && effective is { } end && s > end)
        {
            reader.Error("periodStartDate", "must not be after effectiveDate, the last day the usage covers");
        }

        var seats = reader.Integer("licensedSeats", required: true, min: 1, max: MaxSeats);
        var active = reader.Integer("activeUsers", required: true, min: 0, max: MaxSeats);
        var logins = reader.Integer("logins", required: false, min: 0, max: MaxLogins);
        var features = reader.TextList("features", MaxFeatures, 64, Slug);
        return reader.HasErrors
            ? null
            : new UsageReported(eventId!, customerId!, effective!.Value, start, seats!.Value, active!.Value, logins, features);
    }

    public static IPublishedEvent? Engagement(FieldReader reader, string? eventId)
    {
        var (customerId, effective) = Common(reader);
        var kind = reader.OneOf("kind", SignalVocabulary.EngagementKinds);
        var participants = reader.TextList("participants", MaxParticipants, 100);
        var note = reader.Text("note", required: false, maxLength: EventParser.MaxTextLength);
        return reader.HasErrors ? null : new EngagementRecorded(eventId!, customerId!, effective!.Value, kind!, participants, note);
    }

    public static IPublishedEvent? RiskFlagged(FieldReader reader, string? eventId)
    {
        var (customerId, effective) = Common(reader);
        var factor = Factor(reader);
        var severity = reader.OneOf("severity", SignalVocabulary.Severities);
        var note = reader.Text("note", required: false, maxLength: EventParser.MaxTextLength);
        return reader.HasErrors ? null : new RiskFlagged(eventId!, customerId!, effective!.Value, factor!, severity!, note);
    }

    public static IPublishedEvent? RiskCleared(FieldReader reader, string? eventId)
    {
        var (customerId, effective) = Common(reader);
        var factor = Factor(reader);
        var note = reader.Text("note", required: false, maxLength: EventParser.MaxTextLength);
        return reader.HasErrors ? null : new RiskCleared(eventId!, customerId!, effective!.Value, factor!, note);
    }

    public static IPublishedEvent? Assigned(FieldReader reader, string? eventId)
    {
        var (customerId, effective) = Common(reader);
        var csm = reader.Text("csm", required: true, maxLength: 100);
        var touchModel = reader.OneOf("touchModel", SignalVocabulary.TouchModels);
        return reader.HasErrors ? null : new CustomerAssigned(eventId!, customerId!, effective!.Value, csm!, touchModel!);
    }

    private static (string? CustomerId, LocalDate? Effective) Common(FieldReader reader) =>
        (reader.CustomerId("customerId"), reader.Date("effectiveDate", required: true));

    private static string? Factor(FieldReader reader)
    {
        var factor = reader.Text("factor", required: true, maxLength: 50);
        if (factor is not null && Slug(factor) is { } problem)
        {
            reader.Error("factor", problem);
            return null;
        }

        return factor;
    }

    private static string? Slug(string text) => EventParser.CategoryPattern().IsMatch(text) ? null : SlugRule;
}
