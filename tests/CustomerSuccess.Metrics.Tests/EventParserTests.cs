using System.Text.Json;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Recording;

namespace CustomerSuccess.Metrics.Tests;

public class EventParserTests
{
    private static ParsedBatch Parse(string json) => EventParser.Parse(JsonDocument.Parse(json).RootElement);

    private const string Signed =
        """{"eventId":"b-1","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-01-15","arr":12000,"termEndDate":"2025-01-14","product":"core","customer":{"name":"Acme Corp","segment":"enterprise","csm":"dana"}}""";

    [Fact]
    public void every_published_shape_is_read()
    {
        var batch = Parse($$"""
            [{{Signed}},
             {"eventId":"b-2","type":"contract.cross_sold","customerId":"acme","contractId":"acme-2","effectiveDate":"2024-06-01","arr":3000,"termEndDate":"2025-05-31","product":"analytics"},
             {"eventId":"b-3","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arrIncrease":2500},
             {"eventId":"b-4","type":"contract.downsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-09-01","arrDecrease":1000},
             {"eventId":"b-5","type":"contract.renewed","customerId":"acme","contractId":"acme-1","effectiveDate":"2025-01-15","arr":15000,"termEndDate":"2026-01-14"},
             {"eventId":"b-6","type":"contract.churned","customerId":"acme","contractId":"acme-2","effectiveDate":"2025-06-01","reason":"budget"},
             {"eventId":"c-1","type":"retention_cost.recorded","date":"2024-12-31","category":"cs_team","amount":125000},
             {"eventId":"v-1","type":"event.voided","voidedEventId":"b-4","reason":"entered twice"}]
            """);

        Assert.True(batch.IsValid, string.Join("; ", batch.Errors.Select(e => $"{e.Key}: {string.Join(",", e.Value)}")));
        Assert.Equal(
            [typeof(ContractSigned), typeof(ContractCrossSold), typeof(ContractUpsold), typeof(ContractDownsold),
             typeof(ContractRenewed), typeof(ContractChurned), typeof(RetentionCostRecorded), typeof(EventVoided)],
            batch.Events.Select(e => e.GetType()));
        var signed = Assert.IsType<ContractSigned>(batch.Events[0]);
        Assert.Equal(new CustomerDetails("Acme Corp", "enterprise", "dana"), signed.Customer);
        Assert.Equal(12_000m, signed.Arr);
    }

    [Theory]
    [InlineData(3000, 3, 12000)]
    [InlineData(48000, 24, 24000)]
    [InlineData(1000, 1, 12000)]
    public void recurring_amounts_are_normalised_to_arr(decimal amount, int months, decimal arr)
    {
        var batch = Parse($$"""{"eventId":"b-1","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-01-15","recurringAmount":{{amount}},"periodMonths":{{months}}}""");

        var signed = Assert.IsType<ContractSigned>(Assert.Single(batch.Events));
        Assert.Equal(arr, signed.Arr);
        Assert.Equal(new RecurringAmount(amount, months), signed.Recurring);
    }

    [Fact]
    public void normalisation_keeps_full_precision_until_presentation()
    {
        var batch = Parse("""{"eventId":"b-1","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-01-15","recurringAmount":1000,"periodMonths":7}""");

        var signed = Assert.IsType<ContractSigned>(Assert.Single(batch.Events));
        Assert.Equal(12_000m / 7m, signed.Arr);
    }

    [Fact]
    public void trailing_zeros_do_not_make_a_different_amount()
    {
        Assert.Equal("12000", EventParser.Normalise(12000.00m).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.5", EventParser.Normalise(0.500m).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("""{"eventId":"b-1","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arrIncrement":2500}""", "arrIncrease", "is required")]
    [InlineData("""{"eventId":"b-1","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arrIncrease":2500,"note":"x"}""", "note", "is not a field")]
    [InlineData("""{"eventId":"b-1","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-13-01","arrIncrease":2500}""", "effectiveDate", "YYYY-MM-DD")]
    [InlineData("""{"eventId":"b-1","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"1899-03-01","arrIncrease":2500}""", "effectiveDate", "between")]
    [InlineData("""{"eventId":"b-1","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arrIncrease":-5}""", "arrIncrease", "greater than 0")]
    [InlineData("""{"eventId":"b-1","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arrIncrease":"5"}""", "arrIncrease", "must be a number")]
    [InlineData("""{"eventId":"b-1","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arrIncrease":1000000000001}""", "arrIncrease", "at most")]
    [InlineData("""{"eventId":"b-1","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arrIncrease":1.0000001}""", "arrIncrease", "decimal places")]
    [InlineData("""{"eventId":"b 1","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arrIncrease":1}""", "eventId", "may hold only")]
    [InlineData("""{"eventId":"b-1","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arr":1,"customer":{"segment":"huge"}}""", "customer.segment", "must be one of")]
    [InlineData("""{"eventId":"b-1","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arr":1,"recurringAmount":1,"periodMonths":1}""", "arr", "not both")]
    [InlineData("""{"eventId":"b-1","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","recurringAmount":1,"periodMonths":0}""", "periodMonths", "between 1 and 120")]
    [InlineData("""{"eventId":"b-1","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arr":1,"termEndDate":"2024-02-01"}""", "termEndDate", "not be before")]
    [InlineData("""{"eventId":"b-1","type":"contract.renewed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arr":1}""", "termEndDate", "is required")]
    [InlineData("""{"eventId":"b-1","type":"contract.merged","customerId":"acme"}""", "type", "unknown event type")]
    [InlineData("""{"eventId":"v-1","type":"event.voided","voidedEventId":"v-1"}""", "voidedEventId", "cannot void itself")]
    [InlineData("""{"eventId":"c-1","type":"retention_cost.recorded","date":"2024-12-31","category":"CS Team","amount":1}""", "category", "slug")]
    [InlineData("""{"eventId":"c-1","type":"retention_cost.recorded","date":"2024-12-31","category":"cs_team","amount":-1}""", "amount", "negative")]
    [InlineData("""{"type":"contract.churned","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01"}""", "eventId", "is required")]
    public void bad_input_is_refused_naming_the_field(string json, string field, string message)
    {
        var batch = Parse(json);

        Assert.False(batch.IsValid);
        Assert.Empty(batch.Events);
        Assert.Contains(message, Assert.Contains(field, batch.Errors).Single());
    }

    [Fact]
    public void errors_in_a_batch_name_the_event_by_position()
    {
        var batch = Parse($$"""[{{Signed}}, {"eventId":"b-2","type":"contract.upsold","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01"}]""");

        Assert.Equal(["[1].arrIncrease"], batch.Errors.Keys);
    }

    [Fact]
    public void retention_cost_of_zero_is_allowed()
    {
        var batch = Parse("""{"eventId":"c-1","type":"retention_cost.recorded","date":"2024-12-31","category":"training","amount":0}""");

        Assert.True(batch.IsValid);
    }

    [Fact]
    public void batches_hold_one_to_one_thousand_events()
    {
        Assert.Contains("empty", Parse("[]").Errors[""].Single());

        var tooMany = "[" + string.Join(",", Enumerable.Range(0, 1001).Select(i => Signed.Replace("b-1", $"b-{i}"))) + "]";
        Assert.Contains("at most 1,000", Parse(tooMany).Errors[""].Single());

        var justRight = "[" + string.Join(",", Enumerable.Range(0, 1000).Select(i => Signed.Replace("b-1", $"b-{i}"))) + "]";
        Assert.Equal(1000, Parse(justRight).Events.Count);
    }

    [Fact]
    public void a_body_that_is_not_an_object_or_array_is_refused()
    {
        Assert.False(Parse("42").IsValid);
        Assert.False(Parse("[42]").IsValid);
    }
}
