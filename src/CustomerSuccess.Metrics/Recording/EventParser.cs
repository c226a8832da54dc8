using System.Text.Json;
using System.Text.RegularExpressions;
using CustomerSuccess.Metrics.Events;
using NodaTime;

namespace CustomerSuccess.Metrics.Recording;

/// <summary>
/// Reads the published event shapes from JSON with every bound checked. Unknown fields are refused so
/// that a misspelt amount can never be silently ignored.
/// </summary>
public static partial class EventParser
{
    public const int MaxBatchSize = 1000;
    public const int MaxIdLength = 128;
    public const int MaxTextLength = 500;
    public static readonly decimal MaxAmount = 1_000_000_000_000m;
    public const int MaxDecimalPlaces = RecordedArr.DecimalPlaces;
    public static readonly LocalDate EarliestDate = new(1970, 1, 1);
    public static readonly LocalDate LatestDate = new(2199, 12, 31);

    public const string IdExpression = "^[A-Za-z0-9][A-Za-z0-9._:@-]*$";

    [GeneratedRegex(IdExpression)]
    internal static partial Regex IdPattern();

    public const string IdCharacters = "may hold only letters, digits and . _ : @ - and must start with a letter or digit";

    /// <summary>A customer id is the id of its event stream; the store names its own streams with this prefix.</summary>
    public const string ReservedCustomerIdPrefix = "mt_";

    /// <summary>Why <paramref name="id"/> cannot be a customer's id, or null when it can: the rules an event's customerId is held to.</summary>
    public static string? CustomerIdProblem(string id) =>
        id.Length > MaxIdLength ? $"must be at most {MaxIdLength} characters"
        : !IdPattern().IsMatch(id) ? IdCharacters
        : id.StartsWith(ReservedCustomerIdPrefix, StringComparison.OrdinalIgnoreCase)
            ? $"must not begin with '{ReservedCustomerIdPrefix}', which the event store keeps for its own streams"
        : null;

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    internal static partial Regex CategoryPattern();

    public static ParsedBatch Parse(JsonElement root)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var events = new List<IPublishedEvent>();

        if (root.ValueKind == JsonValueKind.Object)
        {
            var single = ParseEvent(root, "", errors);
            if (single is not null)
            {
                events.Add(single);
            }
        }
        else if (root.ValueKind == JsonValueKind.Array)
        {
            var count = root.GetArrayLength();
            if (count == 0)
            {
                Add(errors, "", "the batch is empty; send one event or an array of 1 to 1,000");
            }
            else if (count > MaxBatchSize)
            {
                Add(errors, "", $"a batch holds at most {MaxBatchSize:N0} events; this one has {count:N0}");
            }
            else
            {
                var index = 0;
                foreach (var item in root.EnumerateArray())
                {
                    var parsed = ParseEvent(item, $"[{index}].", errors);
                    if (parsed is not null)
                    {
                        events.Add(parsed);
                    }

                    index++;
                }
            }
        }
        else
        {
            Add(errors, "", "the body must be one event object or a JSON array of event objects");
        }

        return new ParsedBatch(events, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
    }

    private static IPublishedEvent? ParseEvent(JsonElement element, string path, Dictionary<string, List<string>> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Add(errors, path.TrimEnd('.'), "each event must be a JSON object");
            return null;
        }

        var reader = new FieldReader(element, path, errors);
        if (!reader.HasDistinctValidNames())
        {
            return null;
        }

        var eventId = reader.Id("eventId", required: true);
        var type = reader.Text("type", required: true, maxLength: 64);
        if (type is null)
        {
            return null;
        }

        IPublishedEvent? parsed = type switch
        {
            EventTypeNames.Signed or EventTypeNames.CrossSold => ReadOpening(reader, type, eventId),
            EventTypeNames.Upsold => ReadUpsold(reader, eventId),
            EventTypeNames.Downsold => ReadDownsold(reader, eventId),
            EventTypeNames.Renewed => ReadRenewed(reader, eventId),
            EventTypeNames.Churned => ReadChurned(reader, eventId),
            EventTypeNames.Voided => ReadVoided(reader, eventId),
            EventTypeNames.RetentionCost => ReadRetentionCost(reader, eventId),
            EventTypeNames.NpsAnswered => SignalReader.Nps(reader, eventId),
            EventTypeNames.CsatAnswered => SignalReader.Csat(reader, eventId),
            EventTypeNames.UsageReported => SignalReader.Usage(reader, eventId),
            EventTypeNames.EngagementRecorded => SignalReader.Engagement(reader, eventId),
            EventTypeNames.RiskFlagged => SignalReader.RiskFlagged(reader, eventId),
            EventTypeNames.RiskCleared => SignalReader.RiskCleared(reader, eventId),
            EventTypeNames.CustomerAssigned => SignalReader.Assigned(reader, eventId),
            _ => UnknownType(reader, type),
        };

        reader.RefuseUnknownFields();
        return reader.HasErrors ? null : parsed;
    }

    private static IPublishedEvent? UnknownType(FieldReader reader, string type)
    {
        reader.Error("type", $"unknown event type '{type}'; expected one of {string.Join(", ", EventTypeNames.All)}");
        reader.IgnoreRemainingFields();
        return null;
    }

    private static IPublishedEvent? ReadOpening(FieldReader reader, string type, string? eventId)
    {
        var (customerId, contractId, effective, customer) = ReadContractCommon(reader);
        var (arr, recurring) = ReadArr(reader);
        var termEnd = reader.Date("termEndDate", required: false);
        var product = reader.Text("product", required: false, maxLength: 100);
        if (termEnd is { } end && effective is { } start && end < start)
        {
            reader.Error("termEndDate", "must not be before effectiveDate");
        }

        if (reader.HasErrors)
        {
            return null;
        }

        return type == EventTypeNames.Signed
            ? new ContractSigned(eventId!, customerId!, contractId!, effective!.Value, arr!.Value, termEnd, product, customer, recurring)
            : new ContractCrossSold(eventId!, customerId!, contractId!, effective!.Value, arr!.Value, termEnd, product, customer, recurring);
    }

    private static IPublishedEvent? ReadUpsold(FieldReader reader, string? eventId)
    {
        var (customerId, contractId, effective, customer) = ReadContractCommon(reader);
        var increase = reader.Amount("arrIncrease", required: true, allowZero: false);
        return reader.HasErrors
            ? null
            : new ContractUpsold(eventId!, customerId!, contractId!, effective!.Value, increase!.Value, customer);
    }

    private static IPublishedEvent? ReadDownsold(FieldReader reader, string? eventId)
    {
        var (customerId, contractId, effective, customer) = ReadContractCommon(reader);
        var decrease = reader.Amount("arrDecrease", required: true, allowZero: false);
        return reader.HasErrors
            ? null
            : new ContractDownsold(eventId!, customerId!, contractId!, effective!.Value, decrease!.Value, customer);
    }

    private static IPublishedEvent? ReadRenewed(FieldReader reader, string? eventId)
    {
        var (customerId, contractId, effective, customer) = ReadContractCommon(reader);
        var (arr, recurring) = ReadArr(reader);
        var termEnd = reader.Date("termEndDate", required: true);
        if (termEnd is { } end && effective is { } start && end <= start)
        {
            reader.Error("termEndDate", "must be after effectiveDate");
        }

        return reader.HasErrors
            ? null
            : new ContractRenewed(eventId!, customerId!, contractId!, effective!.Value, arr!.Value, termEnd!.Value, customer, recurring);
    }

    private static IPublishedEvent? ReadChurned(FieldReader reader, string? eventId)
    {
        var (customerId, contractId, effective, customer) = ReadContractCommon(reader);
        var reason = reader.Text("reason", required: false, maxLength: MaxTextLength);
        return reader.HasErrors
            ? null
            : new ContractChurned(eventId!, customerId!, contractId!, effective!.Value, reason, customer);
    }

    private static IPublishedEvent? ReadVoided(FieldReader reader, string? eventId)
    {
        var voided = reader.Id("voidedEventId", required: true);
        var reason = reader.Text("reason", required: false, maxLength: MaxTextLength);
        if (voided is not null && voided == eventId)
        {
            reader.Error("voidedEventId", "an event cannot void itself");
        }

        return reader.HasErrors ? null : new EventVoided(eventId!, voided!, reason);
    }

    private static IPublishedEvent? ReadRetentionCost(FieldReader reader, string? eventId)
    {
        var date = reader.Date("date", required: true);
        var category = reader.Text("category", required: true, maxLength: 50);
        if (category is not null && !CategoryPattern().IsMatch(category))
        {
            reader.Error("category", "must be a lower-case slug such as cs_team, tooling, programs, training or other");
        }

        var amount = reader.Amount("amount", required: true, allowZero: true);
        return reader.HasErrors ? null : new RetentionCostRecorded(eventId!, date!.Value, category!, amount!.Value);
    }

    private static (string? CustomerId, string? ContractId, LocalDate? Effective, CustomerDetails? Customer) ReadContractCommon(FieldReader reader) =>
        (reader.CustomerId("customerId"),
         reader.Id("contractId", required: true),
         reader.Date("effectiveDate", required: true),
         reader.Customer("customer"));

    /// <summary>ARR is sent directly, or as a recurring amount and the months it covers: arr = amount * 12 / months.</summary>
    private static (decimal? Arr, RecurringAmount? Recurring) ReadArr(FieldReader reader)
    {
        var hasArr = reader.Has("arr");
        var hasRecurring = reader.Has("recurringAmount") || reader.Has("periodMonths");
        if (hasArr && hasRecurring)
        {
            reader.Error("arr", "give either arr or recurringAmount with periodMonths, not both");
            reader.IgnoreFields("arr", "recurringAmount", "periodMonths");
            return (null, null);
        }

        if (!hasRecurring)
        {
            return (reader.Amount("arr", required: true, allowZero: false), null);
        }

        var amount = reader.Amount("recurringAmount", required: true, allowZero: false);
        var months = reader.Integer("periodMonths", required: true, min: 1, max: 120);
        if (amount is null || months is null)
        {
            return (null, null);
        }

        var arr = RecordedArr.FromRecurring(amount.Value, months.Value);
        if (arr > MaxAmount)
        {
            reader.Error("recurringAmount", $"normalises to an ARR above the limit of {MaxAmount:N0}");
            return (null, null);
        }

        return (arr, new RecurringAmount(amount.Value, months.Value));
    }

    internal static void Add(Dictionary<string, List<string>> errors, string key, string message)
    {
        if (!errors.TryGetValue(key, out var list))
        {
            errors[key] = list = [];
        }

        list.Add(message);
    }
}
