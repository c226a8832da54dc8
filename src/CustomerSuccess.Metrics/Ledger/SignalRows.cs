using CustomerSuccess.Metrics.Events;
using JasperFx.Events;
using Marten;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// Writes the signal table: a row per signal event, known from its recorded instant until a void's. <c>label</c> holds
/// an engagement's kind or a risk's factor; <c>csm</c> and <c>scale</c> an assignment's CSM and touch model; <c>sequence</c>
/// the event's place in the log, which orders signals of one day.
/// </summary>
internal static class SignalRows
{
    public static void Queue(IDocumentOperations operations, ReadModelTables tables, IEvent e)
    {
        var recordedAt = Instant.FromDateTimeOffset(e.Timestamp);
        if (e.Data is EventVoided voided)
        {
            operations.QueueSqlCommand(
                $"update {tables.Signals} set known_to = ? where event_id = ? and known_to is null", recordedAt, voided.VoidedEventId);
            return;
        }

        var signal = (ISignalEvent)e.Data;
        var row = new Dictionary<string, object?>
        {
            ["event_id"] = signal.EventId,
            ["type"] = EventTypeNames.Of(signal),
            ["customer_id"] = signal.CustomerId,
            ["effective_date"] = LocalDatePattern.Iso.Format(signal.EffectiveDate),
            ["sequence"] = e.Sequence,
            ["known_from"] = InstantPattern.ExtendedIso.Format(recordedAt),
        };
        switch (e.Data)
        {
            case NpsAnswered a:
                (row["respondent_id"], row["score"]) = (a.RespondentId, a.Score);
                break;
            case CsatAnswered a:
                (row["respondent_id"], row["score"], row["scale"], row["topic"]) = (a.RespondentId, a.Score, a.Scale, a.Topic);
                break;
            case UsageReported u:
                (row["licensed_seats"], row["active_users"]) = (u.LicensedSeats, u.ActiveUsers);
                break;
            case EngagementRecorded g:
                row["label"] = g.Kind;
                break;
            case RiskFlagged r:
                (row["label"], row["severity"]) = (r.Factor, r.Severity);
                break;
            case RiskCleared r:
                row["label"] = r.Factor;
                break;
            case CustomerAssigned a:
                (row["csm"], row["scale"]) = (a.Csm, a.TouchModel);
                break;
        }

        // One JSON object read as a typed record: absent fields are nulls of their column's type.
        operations.QueueSqlCommand(
            $"insert into {tables.Signals} ({Columns}) select {Columns} from jsonb_to_record(?::jsonb) as r({Types}) on conflict (event_id) do nothing",
            JsonSerializer.Serialize(row));
    }

    private const string Types =
        "event_id varchar, type varchar, customer_id varchar, effective_date date, respondent_id varchar, score integer, scale varchar, " +
        "topic varchar, licensed_seats integer, active_users integer, label varchar, severity varchar, csm varchar, sequence bigint, " +
        "known_from timestamptz";

    private static readonly string Columns = string.Join(", ", Types.Split(", ").Select(c => c.Split(' ')[0]));
}
