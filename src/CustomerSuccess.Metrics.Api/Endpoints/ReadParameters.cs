using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Periods;
using CustomerSuccess.Metrics.Recording;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>Reads the common query parameters of every figure endpoint, collecting an error per bad field.</summary>
public sealed class ReadParameters(IQueryCollection query)
{
    /// <summary>No event can have been recorded earlier; later instants, however far ahead, are answered as known now.</summary>
    public static readonly Instant EarliestInstant = NodaTime.Instant.FromUnixTimeSeconds(0);

    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string[]> Errors => _errors;

    public bool IsValid => _errors.Count == 0;

    public bool Has(string name) => query.ContainsKey(name);

    /// <summary>Refuses every parameter not in <paramref name="accepted"/>, naming the ones that are.</summary>
    public void Error(string name, string message) => _errors[name] = [message];

    public void RefuseOthers(IReadOnlyList<QueryParameter> accepted)
    {
        var names = accepted.Select(NameOf).ToList();
        var expected = names.Count == 0 ? "this endpoint takes no query parameters" : $"accepted: {string.Join(", ", names)}";
        foreach (var key in query.Keys.Where(k => !names.Contains(k, StringComparer.Ordinal)))
        {
            _errors[key] = [$"is not a parameter of this endpoint ({expected})"];
        }
    }

    public static string NameOf(QueryParameter parameter) => parameter switch
    {
        QueryParameter.AsOf => "asOf",
        QueryParameter.KnownAt => "knownAt",
        QueryParameter.CustomerId => "customerId",
        QueryParameter.RecordedFrom => "from",
        QueryParameter.RecordedTo => "to",
        QueryParameter.TouchModel => "touchModel",
        _ => parameter.ToString().ToLowerInvariant(),
    };

    public LocalDate? Date(string name)
    {
        var text = Single(name);
        if (text is null)
        {
            return null;
        }

        var result = LocalDatePattern.Iso.Parse(text);
        if (!result.Success)
        {
            _errors[name] = ["must be a date as YYYY-MM-DD"];
            return null;
        }

        if (result.Value < EventParser.EarliestDate || result.Value > EventParser.LatestDate)
        {
            _errors[name] = [$"must be between {EventParser.EarliestDate:yyyy-MM-dd} and {EventParser.LatestDate:yyyy-MM-dd}, the dates events may carry"];
            return null;
        }

        return result.Value;
    }

    public Instant? Instant(string name)
    {
        var text = Single(name);
        if (text is null)
        {
            return null;
        }

        var result = InstantPattern.ExtendedIso.Parse(text);
        if (!result.Success)
        {
            _errors[name] = ["must be an ISO-8601 UTC instant such as 2025-04-05T00:00:00Z"];
            return null;
        }

        if (result.Value < EarliestInstant)
        {
            _errors[name] = [$"must not be before {EarliestInstant}; nothing was recorded before then"];
            return null;
        }

        return result.Value;
    }

    /// <summary>An optional inclusive range of instants <c>from</c>..<c>to</c>; <c>to</c> not before <c>from</c>.</summary>
    public (Instant? From, Instant? To) InstantRange(string fromName = "from", string toName = "to", bool fromRequired = false)
    {
        var from = Instant(fromName);
        var to = Instant(toName);
        if (fromRequired && from is null && !_errors.ContainsKey(fromName))
        {
            _errors[fromName] = ["is required (a UTC instant such as 2025-01-31T00:00:00Z)"];
        }

        if (from is { } f && to is { } t && f > t)
        {
            _errors[toName] = [$"must not be before {fromName}"];
        }

        return (from, to);
    }

    /// <summary>
    /// An inclusive range <c>from</c>..<c>to</c>; when <paramref name="optional"/>, either end left out is the first or
    /// last date an event may carry, else both are required.
    /// </summary>
    public (LocalDate From, LocalDate To) Range(bool optional = false)
    {
        var from = Date("from");
        var to = Date("to");
        if (optional)
        {
            from ??= _errors.ContainsKey("from") ? null : EventParser.EarliestDate;
            to ??= _errors.ContainsKey("to") ? null : EventParser.LatestDate;
        }

        if (from is null && !_errors.ContainsKey("from"))
        {
            _errors["from"] = ["is required (YYYY-MM-DD)"];
        }

        if (to is null && !_errors.ContainsKey("to"))
        {
            _errors["to"] = ["is required (YYYY-MM-DD)"];
        }

        if (from is { } f && to is { } t && f > t)
        {
            _errors["to"] = ["must not be before from"];
        }

        return (from ?? default, to ?? default);
    }

    /// <summary>An interval; <paramref name="fallback"/> when absent. At most <paramref name="maxPeriods"/> periods in the range.</summary>
    public ReportingInterval? Interval(ReportingInterval? fallback, LocalDate from, LocalDate to, int maxPeriods)
    {
        var text = Single("interval");
        if (text is null)
        {
            return fallback;
        }

        if (!ReportingPeriods.TryParse(text, out var interval))
        {
            _errors["interval"] = ["must be one of day, week, month, quarter, year"];
            return null;
        }

        if (IsValid && ReportingPeriods.Count(from, to, interval) > maxPeriods)
        {
            _errors["interval"] = [$"gives more than {maxPeriods:N0} periods for this range; choose a longer interval or a shorter range"];
            return null;
        }

        return interval;
    }

    public int Integer(string name, int fallback, int min, int max)
    {
        var text = Single(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
        {
            _errors[name] = [$"must be a whole number from {min} to {max}"];
            return fallback;
        }

        return value;
    }

    public string? OneOf(string name, IReadOnlyList<string> allowed)
    {
        var text = Single(name);
        if (text is not null && !allowed.Contains(text, StringComparer.Ordinal))
        {
            _errors[name] = [$"must be one of {string.Join(", ", allowed)}"];
            return null;
        }

        return text;
    }

    public string? CustomerId()
    {
        var text = Single("customerId");
        if (text is not null && EventParser.CustomerIdProblem(text) is { } problem)
        {
            _errors["customerId"] = [problem];
            return null;
        }

        return text;
    }

    /// <summary>Free text of at most <paramref name="maxLength"/> characters.</summary>
    public string? Text(string name, int maxLength)
    {
        var text = Single(name);
        if (text is not null && text.Length > maxLength)
        {
            _errors[name] = [$"must be at most {maxLength} characters"];
            return null;
        }

        if (text is not null && text.Any(char.IsControl))
        {
            _errors[name] = ["must not contain control characters"];
            return null;
        }

        return text;
    }

    public string? Segment()
    {
        var text = Single("segment");
        if (text is not null && !Segments.IsKnown(text))
        {
            _errors["segment"] = [$"must be one of {string.Join(", ", Segments.All)}"];
            return null;
        }

        return text;
    }

    private string? Single(string name)
    {
        var values = query[name];
        if (values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            _errors[name] = ["must be given once"];
            return null;
        }

        if (string.IsNullOrEmpty(values[0]))
        {
            _errors[name] = ["must not be empty; leave the parameter out to use its default"];
            return null;
        }

        return values[0];
    }
}
