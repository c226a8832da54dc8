using System.Globalization;
using System.Text.Json;
using CustomerSuccess.Metrics.Events;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Recording;

/// <summary>Reads the fields of one JSON object with their bounds, collecting an error per field under the object's path.</summary>
internal sealed class FieldReader(JsonElement element, string path, Dictionary<string, List<string>> errors)
{
    /// <summary>The store keeps events as JSON that cannot hold the character U+0000.</summary>
    private const string NulCharacter = "must not contain the character U+0000 (NUL)";

    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private bool _hasErrors;

    public bool HasErrors => _hasErrors;

    /// <summary>
    /// Refuses an object that names a field twice (readers disagree on which value wins, and the eventId would be
    /// ambiguous) or names one in text that is not valid Unicode.
    /// </summary>
    public bool HasDistinctValidNames()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var property in element.EnumerateObject())
        {
            if (!TryReadText(() => property.Name, out var name))
            {
                _hasErrors = true;
                EventParser.Add(errors, path.TrimEnd('.'), $"the name of field {index + 1} is not valid text: invalid UTF-8 or an unpaired surrogate");
            }
            else if (!seen.Add(name))
            {
                Error(name, "is given more than once; send each field once");
            }

            index++;
        }

        return !_hasErrors;
    }

    private static bool TryReadText(Func<string> read, out string text)
    {
        try
        {
            text = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    public bool Has(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public void Error(string field, string message)
    {
        _hasErrors = true;
        EventParser.Add(errors, path + field, message);
    }

    public void IgnoreFields(params string[] names) => _read.UnionWith(names);

    public void IgnoreRemainingFields()
    {
        foreach (var property in element.EnumerateObject())
        {
            _read.Add(property.Name);
        }
    }

    public void RefuseUnknownFields()
    {
        foreach (var property in element.EnumerateObject().Where(p => !_read.Contains(p.Name)))
        {
            Error(property.Name, "is not a field of this event type");
        }
    }

    private JsonElement? Get(string name, bool required)
    {
        _read.Add(name);
        if (element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            return value;
        }

        if (required)
        {
            Error(name, "is required");
        }

        return null;
    }

    public string? Text(string name, bool required, int maxLength)
    {
        if (Get(name, required) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(name, "must be a string");
            return null;
        }

        if (!TryReadText(() => value.GetString()!, out var text))
        {
            Error(name, "is not valid text: invalid UTF-8 or an unpaired surrogate");
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            Error(name, "must not be blank");
            return null;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            Error(name, NulCharacter);
            return null;
        }

        if (text.Length > maxLength)
        {
            Error(name, $"must be at most {maxLength} characters");
            return null;
        }

        return text;
    }

    public string? Id(string name, bool required)
    {
        var text = Text(name, required, EventParser.MaxIdLength);
        if (text is not null && !EventParser.IdPattern().IsMatch(text))
        {
            Error(name, EventParser.IdCharacters);
            return null;
        }

        return text;
    }

    public string? CustomerId(string name)
    {
        var id = Id(name, required: true);
        if (id is not null && EventParser.CustomerIdProblem(id) is { } problem)
        {
            Error(name, problem);
            return null;
        }

        return id;
    }

    public LocalDate? Date(string name, bool required)
    {
        var text = Text(name, required, 10);
        if (text is null)
        {
            return null;
        }

        var result = LocalDatePattern.Iso.Parse(text);
        if (!result.Success)
        {
            Error(name, "must be a date as YYYY-MM-DD");
            return null;
        }

        if (result.Value < EventParser.EarliestDate || result.Value > EventParser.LatestDate)
        {
            Error(name, $"must be between {EventParser.EarliestDate:yyyy-MM-dd} and {EventParser.LatestDate:yyyy-MM-dd}");
            return null;
        }

        return result.Value;
    }

    public decimal? Amount(string name, bool required, bool allowZero)
    {
        if (Get(name, required) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var amount))
        {
            Error(name, "must be a number");
            return null;
        }

        if (amount < 0m || (!allowZero && amount == 0m))
        {
            Error(name, allowZero ? "must not be negative" : "must be greater than 0");
            return null;
        }

        if (amount > EventParser.MaxAmount)
        {
            Error(name, $"must be at most {EventParser.MaxAmount.ToString("N0", CultureInfo.InvariantCulture)}");
            return null;
        }

        amount = RecordedArr.Normalise(amount);
        if (amount.Scale > EventParser.MaxDecimalPlaces)
        {
            Error(name, $"must have at most {EventParser.MaxDecimalPlaces} decimal places");
            return null;
        }

        return amount;
    }

    public int? Integer(string name, bool required, int min, int max)
    {
        if (Get(name, required) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            Error(name, "must be a whole number");
            return null;
        }

        if (number < min || number > max)
        {
            Error(name, $"must be between {min} and {max}");
            return null;
        }

        return number;
    }

    /// <summary>An optional array of distinct non-blank strings, at most <paramref name="maxItems"/> of at most <paramref name="maxLength"/> characters.</summary>
    public IReadOnlyList<string>? TextList(string name, int maxItems, int maxLength, Func<string, string?>? problem = null)
    {
        if (Get(name, required: false) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(name, "must be an array of strings");
            return null;
        }

        if (value.GetArrayLength() > maxItems)
        {
            Error(name, $"must hold at most {maxItems} items");
            return null;
        }

        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !TryReadText(() => item.GetString()!, out var text))
            {
                Error(name, "must be an array of strings of valid text");
                return null;
            }

            var refused = string.IsNullOrWhiteSpace(text) ? "must not hold a blank string"
                : text.Contains('\0', StringComparison.Ordinal) ? NulCharacter
                : text.Length > maxLength ? $"must hold strings of at most {maxLength} characters"
                : items.Contains(text, StringComparer.Ordinal) ? $"names '{text}' twice; send each once"
                : problem?.Invoke(text);
            if (refused is not null)
            {
                Error(name, refused);
                return null;
            }

            items.Add(text);
        }

        return items;
    }

    /// <summary>A required string that must be one of <paramref name="allowed"/>.</summary>
    public string? OneOf(string name, IReadOnlyList<string> allowed)
    {
        var text = Text(name, required: true, maxLength: 64);
        if (text is not null && !allowed.Contains(text, StringComparer.Ordinal))
        {
            Error(name, $"must be one of {string.Join(", ", allowed)}");
            return null;
        }

        return text;
    }

    public CustomerDetails? Customer(string name)
    {
        if (Get(name, required: false) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(name, "must be an object with name, segment and csm");
            return null;
        }

        var nested = new FieldReader(value, path + name + ".", errors);
        if (!nested.HasDistinctValidNames())
        {
            _hasErrors = true;
            return null;
        }

        var customerName = nested.Text("name", required: false, maxLength: 200);
        var segment = nested.Text("segment", required: false, maxLength: 32);
        if (segment is not null && !Segments.IsKnown(segment))
        {
            nested.Error("segment", $"must be one of {string.Join(", ", Segments.All)}");
        }

        var csm = nested.Text("csm", required: false, maxLength: 100);
        nested.RefuseUnknownFields();
        if (nested.HasErrors)
        {
            _hasErrors = true;
            return null;
        }

        return new CustomerDetails(customerName, segment, csm);
    }
}
