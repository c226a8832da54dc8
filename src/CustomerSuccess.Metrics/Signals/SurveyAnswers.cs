using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Periods;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Signals;

/// <summary>One survey answer as known, with the customer's segment, CSM and touch model at the end of the period asked for.</summary>
public sealed record SurveyAnswer(
    string EventId, string CustomerId, string RespondentId, LocalDate Date, int Score, string? Scale, string? Topic, long Sequence,
    string? Segment, string? Csm, string? TouchModel);

/// <summary>Which customers a signal figure covers: by segment, CSM and touch model; null matches every customer.</summary>
public sealed record AccountFilter(string? Segment, string? Csm, string? TouchModel)
{
    public static readonly AccountFilter None = new(null, null, null);

    public bool Matches(string? segment, string? csm, string? touchModel) =>
        (Segment is null || Segment == segment) && (Csm is null || Csm == csm) && (TouchModel is null || TouchModel == touchModel);
}

/// <summary>The answers of each period, the periods contiguous and in date order: each answer is placed once, by binary search.</summary>
public static class AnswersByPeriod
{
    public static IReadOnlyList<(ReportingPeriod Period, IReadOnlyList<SurveyAnswer> Answers)> Of(
        IReadOnlyList<ReportingPeriod> periods, IReadOnlyList<SurveyAnswer> answers)
    {
        var buckets = periods.Select(_ => new List<SurveyAnswer>()).ToArray();
        var starts = periods.Select(p => p.From).ToArray();
        foreach (var answer in answers)
        {
            var index = Array.BinarySearch(starts, answer.Date);
            index = index >= 0 ? index : ~index - 1;
            if (index >= 0 && answer.Date <= periods[index].To)
            {
                buckets[index].Add(answer);
            }
        }

        return [.. periods.Select((p, i) => (p, (IReadOnlyList<SurveyAnswer>)buckets[i]))];
    }
}

/// <summary>Reads the survey answers of one type dated in a period, as known at an instant.</summary>
public sealed class SurveyAnswers(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    public async Task<IReadOnlyList<SurveyAnswer>> ReadAsync(
        string type, LocalDate from, LocalDate to, Instant knownAt, AccountFilter filter, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            with {Accounts.Cte(tables, "@to")}
            select s.event_id, s.customer_id, s.respondent_id, s.effective_date, s.score, s.scale, s.topic, s.sequence,
                   a.segment, a.csm, a.touch_model
            from {tables.Signals} s
            left join accounts a on a.customer_id = s.customer_id
            where s.type = @type and s.effective_date between @from and @to and {ReadModelTables.Believed("s")}
            order by s.sequence
            """);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        command.Parameters.AddWithValue("knownAt", knownAt);
        var answers = new List<SurveyAnswer>();
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var answer = new SurveyAnswer(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<LocalDate>(3), reader.GetInt32(4), Text(5),
                Text(6), reader.GetInt64(7), Text(8), Text(9), Text(10));
            if (filter.Matches(answer.Segment, answer.Csm, answer.TouchModel))
            {
                answers.Add(answer);
            }
        }

        return answers;
    }
}
