using System.Text;
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
    public void a_recurring_amount_that_does_not_terminate_is_rounded_half_even_to_six_places()
    {
        var batch = Parse("""{"eventId":"b-1","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-01-15","recurringAmount":1000,"periodMonths":7}""");

        var signed = Assert.IsType<ContractSigned>(Assert.Single(batch.Events));
        Assert.Equal(1_714.285714m, signed.Arr);
        Assert.Equal(6, signed.Arr.Scale);
    }

    [Fact]
    public void every_period_gives_an_arr_within_six_places_rounded_half_even()
    {
        decimal[] amounts = [0.000001m, 0.000005m, 1m, 1000m, 123_456.789012m, 999_999_999.999999m, 83_333_333_333.333333m];
        foreach (var months in Enumerable.Range(1, 120))
        {
            foreach (var amount in amounts)
            {
                var arr = RecordedArr.FromRecurring(amount, months);
                var whole = decimal.Floor(amount * 12_000_000m / months);
                var remainder = amount * 12_000_000m - whole * months;
                var roundsUp = remainder * 2 > months || (remainder * 2 == months && whole % 2 == 1);
                var expected = (roundsUp ? whole + 1 : whole) / 1_000_000m;

                Assert.True(arr.Scale <= 6, $"{amount} over {months} months gave {arr}");
                Assert.Equal(expected, arr);
            }
        }
    }

    [Fact]
    public void an_event_recorded_before_arr_was_rounded_reads_back_rounded()
    {
        var json = """{"eventId":"b-1","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-01-15","arr":1714.2857142857142857142857143,"recurring":{"amount":1000,"periodMonths":7}}""";

        var signed = JsonSerializer.Deserialize<ContractSigned>(json, MetricsStore.ConfigureJson(new JsonSerializerOptions()))!;

        Assert.Equal(1_714.285714m, signed.Arr);
    }

    [Fact]
    public void trailing_zeros_do_not_make_a_different_amount()
    {
        Assert.Equal("12000", RecordedArr.Normalise(12000.00m).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.5", RecordedArr.Normalise(0.500m).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("""{"eventId":"hx83-e","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arr":12000,"arr":99999}""", "arr")]
    [InlineData("""{"eventId":"hx85-e","eventId":"hx85-f","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arr":1}""", "eventId")]
    [InlineData("""{"eventId":"b-1","type":"contract.signed","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","arr":1,"customer":{"name":"a","name":"b"}}""", "customer.name")]
    [InlineData("""[{"eventId":"b-1","type":"contract.merged","type":"contract.signed"}]""", "[0].type")]
    public void a_field_given_twice_is_refused_naming_it(string json, string field)
    {
        var batch = Parse(json);

        Assert.Empty(batch.Events);
        Assert.Contains("more than once", Assert.Contains(field, batch.Errors).Single());
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe })]
    [InlineData(new byte[] { 0xc3 })]
    public void invalid_utf8_in_a_value_is_refused_naming_the_field(byte[] bad)
    {
        var head = Encoding.UTF8.GetBytes("""{"eventId":"b-1","type":"contract.churned","customerId":"ac""");
        var tail = Encoding.UTF8.GetBytes("""me","contractId":"acme-1","effectiveDate":"2024-03-01"}""");

        var batch = EventParser.Parse(JsonDocument.Parse(new ReadOnlyMemory<byte>([.. head, .. bad, .. tail])).RootElement);

        Assert.Contains("not valid text", Assert.Contains("customerId", batch.Errors).Single());
    }

    [Fact]
    public void an_unpaired_surrogate_is_refused_naming_the_field()
    {
        var batch = Parse("""{"eventId":"hx19\ud800","type":"contract.churned","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01"}""");

        Assert.Contains("not valid text", Assert.Contains("eventId", batch.Errors).Single());
    }

    [Fact]
    public void an_invalid_field_name_is_refused_naming_the_event()
    {
        var batch = Parse("""[{"eventId":"b-1","type":"contract.churned","customerId":"acme","contractId":"acme-1","effectiveDate":"2024-03-01","\udc00":1}]""");

        Assert.Contains("field 6", Assert.Contains("[0]", batch.Errors).Single());
    }

    [Theory]
    [InlineData("mt_tombstone")]
    [InlineData("MT_anything")]
    public void a_customer_id_the_store_keeps_for_itself_is_refused(string customerId)
    {
        var batch = Parse($$"""{"eventId":"b-1","type":"contract.signed","customerId":"{{customerId}}","contractId":"acme-1","effectiveDate":"2024-03-01","arr":1}""");

        Assert.Contains("mt_", Assert.Contains("customerId", batch.Errors).Single());
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
