namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Event JSON in the published wire format.</summary>
internal static class Events
{
    public static string Signed(string id, string customer, string contract, string date, decimal arr, string segment = "smb") =>
        $$$"""{"eventId":"{{{id}}}","type":"contract.signed","customerId":"{{{customer}}}","contractId":"{{{contract}}}","effectiveDate":"{{{date}}}","arr":{{{arr}}},"termEndDate":"{{{date[..4]}}}-12-31","product":"core","customer":{"name":"{{{customer}}} Inc","segment":"{{{segment}}}","csm":"dana"}}""";

    public static string CrossSold(string id, string customer, string contract, string date, decimal arr) =>
        $$"""{"eventId":"{{id}}","type":"contract.cross_sold","customerId":"{{customer}}","contractId":"{{contract}}","effectiveDate":"{{date}}","arr":{{arr}},"product":"analytics"}""";

    public static string Upsold(string id, string customer, string contract, string date, decimal increase) =>
        $$"""{"eventId":"{{id}}","type":"contract.upsold","customerId":"{{customer}}","contractId":"{{contract}}","effectiveDate":"{{date}}","arrIncrease":{{increase}}}""";

    public static string Downsold(string id, string customer, string contract, string date, decimal decrease) =>
        $$"""{"eventId":"{{id}}","type":"contract.downsold","customerId":"{{customer}}","contractId":"{{contract}}","effectiveDate":"{{date}}","arrDecrease":{{decrease}}}""";

    public static string Renewed(string id, string customer, string contract, string date, decimal arr, string termEnd) =>
        $$"""{"eventId":"{{id}}","type":"contract.renewed","customerId":"{{customer}}","contractId":"{{contract}}","effectiveDate":"{{date}}","arr":{{arr}},"termEndDate":"{{termEnd}}"}""";

    public static string Churned(string id, string customer, string contract, string date, string reason = "budget") =>
        $$"""{"eventId":"{{id}}","type":"contract.churned","customerId":"{{customer}}","contractId":"{{contract}}","effectiveDate":"{{date}}","reason":"{{reason}}"}""";

    /// <summary>A renewal at the same ARR that sends new customer attributes: no movement, only a name and segment change.</summary>
    public static string RenewedAs(string id, string customer, string contract, string date, decimal arr, string termEnd, string name, string segment) =>
        $$$"""{"eventId":"{{{id}}}","type":"contract.renewed","customerId":"{{{customer}}}","contractId":"{{{contract}}}","effectiveDate":"{{{date}}}","arr":{{{arr}}},"termEndDate":"{{{termEnd}}}","customer":{"name":"{{{name}}}","segment":"{{{segment}}}"}}""";

    public static string Voided(string id, string voided) =>
        $$"""{"eventId":"{{id}}","type":"event.voided","voidedEventId":"{{voided}}","reason":"entered twice"}""";

    public static string RetentionCost(string id, string date, string category, decimal amount) =>
        $$"""{"eventId":"{{id}}","type":"retention_cost.recorded","date":"{{date}}","category":"{{category}}","amount":{{amount}}}""";

    public static string Nps(string id, string customer, string date, string respondent, int score) =>
        $$"""{"eventId":"{{id}}","type":"survey.nps_answered","customerId":"{{customer}}","effectiveDate":"{{date}}","respondentId":"{{respondent}}","score":{{score}}}""";

    public static string Csat(string id, string customer, string date, string respondent, int score, string scale, string? topic = null) =>
        $$"""{"eventId":"{{id}}","type":"survey.csat_answered","customerId":"{{customer}}","effectiveDate":"{{date}}","respondentId":"{{respondent}}","score":{{score}},"scale":"{{scale}}"{{(topic is null ? "" : $",\"topic\":\"{topic}\"")}}}""";

    public static string Usage(string id, string customer, string date, int seats, int active) =>
        $$"""{"eventId":"{{id}}","type":"usage.reported","customerId":"{{customer}}","effectiveDate":"{{date}}","licensedSeats":{{seats}},"activeUsers":{{active}},"logins":{{active * 20}},"features":["reports"]}""";

    public static string Engagement(string id, string customer, string date, string kind) =>
        $$"""{"eventId":"{{id}}","type":"engagement.recorded","customerId":"{{customer}}","effectiveDate":"{{date}}","kind":"{{kind}}","participants":["dana"]}""";

    public static string RiskFlagged(string id, string customer, string date, string factor, string severity) =>
        $$"""{"eventId":"{{id}}","type":"risk.flagged","customerId":"{{customer}}","effectiveDate":"{{date}}","factor":"{{factor}}","severity":"{{severity}}"}""";

    public static string RiskCleared(string id, string customer, string date, string factor) =>
        $$"""{"eventId":"{{id}}","type":"risk.cleared","customerId":"{{customer}}","effectiveDate":"{{date}}","factor":"{{factor}}"}""";

    public static string Assigned(string id, string customer, string date, string csm, string touchModel) =>
        $$"""{"eventId":"{{id}}","type":"customer.assigned","customerId":"{{customer}}","effectiveDate":"{{date}}","csm":"{{csm}}","touchModel":"{{touchModel}}"}""";

    public static string Batch(params string[] events) => "[" + string.Join(",", events) + "]";
}
