using CustomerSuccess.Metrics.Events;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>Reads the common query parameters of every figure endpoint, collecting an error per bad field.</summary>
public sealed class ReadParameters(IQueryCollection query)
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string[]> Errors => _errors;

    public bool IsValid => _errors.Count == 0;

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

        return result.Value;
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
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        if (values.Count > 1)
        {
            _errors[name] = ["must be given once"];
            return null;
        }

        return values[0];
    }
}
