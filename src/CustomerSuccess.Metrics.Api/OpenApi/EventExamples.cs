using CustomerSuccess.Metrics.Events;

namespace CustomerSuccess.Metrics.Api.OpenApi;

/// <summary>One example body of each event type, as a publisher sends it.</summary>
public static class EventExamples
{
    public static readonly IReadOnlyList<(string Type, string Json)> All =
    [
        (EventTypeNames.Signed, """{"eventId":"b-1","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-01-15","arr":12000,"termEndDate":"2025-01-14","product":"core","customer":{"name":"Acme Corp","segment":"enterprise","csm":"dana"}}"""),
        (EventTypeNames.CrossSold, """{"eventId":"b-2","type":"contract.cross_sold","customerId":"acme","contractId":"acme-2","effectiveDate":"2024-06-01","recurringAmount":750,"periodMonths":3,"termEndDate":"2025-05-31","product":"analytics"}"""),
        (EventTypeNames.Upsold, """{"eventId":"b-3","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arrIncrease":2500}"""),
        (EventTypeNames.Downsold, """{"eventId":"b-4","type":"contract.downsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-09-01","arrDecrease":1000}"""),
        (EventTypeNames.Renewed, """{"eventId":"b-5","type":"contract.renewed","customerId":"acme","contractId":"acme-1","effectiveDate":"2025-01-15","arr":15000,"termEndDate":"2026-01-14"}"""),
        (EventTypeNames.Churned, """{"eventId":"b-6","type":"contract.churned","customerId":"acme","contractId":"acme-2","effectiveDate":"2025-06-01","reason":"budget"}"""),
        (EventTypeNames.Voided, """{"eventId":"v-1","type":"event.voided","voidedEventId":"b-4","reason":"entered twice"}"""),
        (EventTypeNames.RetentionCost, """{"eventId":"c-1","type":"retention_cost.recorded","date":"2024-12-31","category":"cs_team","amount":125000}"""),
        (EventTypeNames.NpsAnswered, """{"eventId":"s-1","type":"survey.nps_answered","customerId":"acme","effectiveDate":"2025-02-10","respondentId":"acme-cfo","score":9,"comment":"The renewal dashboard saves us a day a month"}"""),
        (EventTypeNames.CsatAnswered, """{"eventId":"s-2","type":"survey.csat_answered","customerId":"acme","effectiveDate":"2025-02-12","respondentId":"acme-admin","score":4,"scale":"1-5","topic":"ticket-4711"}"""),
        (EventTypeNames.UsageReported, """{"eventId":"s-3","type":"usage.reported","customerId":"acme","effectiveDate":"2025-02-28","periodStartDate":"2025-02-01","licensedSeats":120,"activeUsers":96,"logins":3400,"features":["reports","exports"]}"""),
        (EventTypeNames.EngagementRecorded, """{"eventId":"s-4","type":"engagement.recorded","customerId":"acme","effectiveDate":"2025-03-05","kind":"qbr","participants":["dana","lee"]}"""),
        (EventTypeNames.RiskFlagged, """{"eventId":"s-5","type":"risk.flagged","customerId":"acme","effectiveDate":"2025-03-10","factor":"champion_left","severity":"high","note":"VP Ops left"}"""),
        (EventTypeNames.RiskCleared, """{"eventId":"s-6","type":"risk.cleared","customerId":"acme","effectiveDate":"2025-04-02","factor":"champion_left"}"""),
        (EventTypeNames.CustomerAssigned, """{"eventId":"s-7","type":"customer.assigned","customerId":"acme","effectiveDate":"2025-01-01","csm":"dana","touchModel":"high"}"""),
    ];
}
