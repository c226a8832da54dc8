using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;

namespace CustomerSuccess.Metrics.SampleBook;

/// <summary>Fixed vocabularies of the sample book; indexes into these are what <see cref="BookEvent"/> stores.</summary>
internal static class Vocabulary
{
    public static readonly string[] Segments = ["smb", "mid_market", "enterprise"];
    public const int Smb = 0;
    public const int MidMarket = 1;
    public const int Enterprise = 2;

    /// <summary>Index 0 is what every customer signs first; the rest are cross-sold.</summary>
    public static readonly string[] Products = ["core", "analytics", "automation", "integrations", "premium_support"];

    public static readonly string[] Csms = ["dana", "eli", "farah", "gus", "hana", "ivan", "jo", "kemal", "lena", "mo"];

    public static readonly string[] CompanySuffixes = ["Ltd", "Inc", "GmbH", "LLC", "plc", "BV", "SA", "Pty Ltd"];

    public static readonly string[] ChurnReasons =
        ["budget", "competitor", "low adoption", "acquired", "product fit", "champion left"];

    public static readonly string[] CostCategories = ["cs_team", "tooling", "programs"];

    public const string VoidReason = "entered twice";

    /// <summary>The people at a customer who answer surveys; each customer has the first one to three, as "cust-00042-admin".</summary>
    public static readonly string[] Respondents = ["admin", "champion", "sponsor"];

    public static readonly string[] NpsComments =
    [
        "Saves our team hours every week", "Support answers fast and well", "The renewal reports are exactly what we needed",
        "Too few of our people use it", "Hard to roll out to new teams", "Too expensive for what we use",
    ];

    /// <summary>The first comments are a promoter's, from this index on a detractor's.</summary>
    public const int DetractorComments = 3;

    /// <summary>In order of how widely they are used: a customer using k features uses the first k.</summary>
    public static readonly string[] Features = ["dashboards", "reports", "alerts", "exports", "integrations", "automations", "api", "sso"];

    public static readonly string[] EngagementKinds = ["qbr", "training", "onboarding_session", "check_in", "webinar", "escalation"];
    public const int Qbr = 0;
    public const int Training = 1;
    public const int OnboardingSession = 2;
    public const int CheckIn = 3;
    public const int Webinar = 4;
    public const int Escalation = 5;

    /// <summary>Who joins the CSM: the account executive at a QBR (one per CSM), and who runs the other touches.</summary>
    public static readonly string[] AccountExecutives = ["lee", "maya", "noor", "omar", "pia"];
    public const string OnboardingLead = "rosa";
    public const string SupportLead = "quinn";
    public const string WebinarHost = "sam";

    public static readonly string[] RiskFactors = ["low_usage", "champion_left", "budget_cut"];
    public const int LowUsage = 0;
    public const int ChampionLeft = 1;
    public const int BudgetCut = 2;

    public static readonly string[] Severities = ["low", "medium", "high"];
    public const int Low = 0;
    public const int Medium = 1;
    public const int High = 2;

    /// <summary>Indexed by segment: enterprise accounts are served high touch, mid-market low touch, SMB tech touch.</summary>
    public static readonly string[] TouchModels = ["tech", "low", "high"];
}

/// <summary>Per-customer facts that every event of the customer shares.</summary>
internal sealed class CustomerTable(int customers)
{
    public readonly byte[] Csm = new byte[customers + 1];
    public readonly byte[] Suffix = new byte[customers + 1];
    public readonly int IdWidth = Math.Max(5, customers.ToString(CultureInfo.InvariantCulture).Length);

    public string Digits(int customer) => customer.ToString("D" + IdWidth.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}

/// <summary>
/// The generated book in send order. Events are stored compactly and rendered to their wire-format
/// <see cref="JsonObject"/> on each read: every read returns a new, parentless object (so it can be put
/// straight into a <see cref="JsonArray"/> batch), and the rendering is a pure function of the stored
/// event, so reading twice gives byte-identical JSON.
/// </summary>
internal sealed class SampleBookEvents : IReadOnlyList<JsonObject>, IList<JsonObject>
{
    private readonly BookEvent[] _events;
    private readonly int[] _order;
    private readonly CustomerTable _customers;

    public SampleBookEvents(BookEvent[] events, int[] order, CustomerTable customers)
    {
        _events = events;
        _order = order;
        _customers = customers;
    }

    public int Count => _order.Length;

    public bool IsReadOnly => true;

    public JsonObject this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _order.Length);
            return Render(in _events[_order[index]]);
        }
        set => throw ReadOnly();
    }

    public IEnumerator<JsonObject> GetEnumerator()
    {
        for (var i = 0; i < _order.Length; i++)
        {
            yield return Render(in _events[_order[i]]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(JsonObject item)
    {
        var text = item.ToJsonString();
        for (var i = 0; i < _order.Length; i++)
        {
            if (Render(in _events[_order[i]]).ToJsonString() == text)
            {
                return i;
            }
        }

        return -1;
    }

    public bool Contains(JsonObject item) => IndexOf(item) >= 0;

    public void CopyTo(JsonObject[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentOutOfRangeException.ThrowIfNegative(arrayIndex);
        if (array.Length - arrayIndex < _order.Length)
        {
            throw new ArgumentException("The destination array is too small.", nameof(array));
        }

        for (var i = 0; i < _order.Length; i++)
        {
            array[arrayIndex + i] = Render(in _events[_order[i]]);
        }
    }

    public void Add(JsonObject item) => throw ReadOnly();

    public void Clear() => throw ReadOnly();

    public void Insert(int index, JsonObject item) => throw ReadOnly();

    public bool Remove(JsonObject item) => throw ReadOnly();

    public void RemoveAt(int index) => throw ReadOnly();

    private static NotSupportedException ReadOnly() => new("The sample book is read-only.");

    private JsonObject Render(in BookEvent e)
    {
        if (e.Type == BookEventType.RetentionCost)
        {
            var date = DateOnly.FromDayNumber(e.EffectiveDay);
            var category = Vocabulary.CostCategories[e.Detail];
            return new JsonObject
            {
                ["eventId"] = $"cost-{date.ToString("yyyy-MM", CultureInfo.InvariantCulture)}-{category}",
                ["type"] = "retention_cost.recorded",
                ["date"] = Date(e.EffectiveDay),
                ["category"] = category,
                ["amount"] = e.Amount,
            };
        }

        var customerId = "cust-" + _customers.Digits(e.Customer);
        if (e.Type >= BookEventType.NpsAnswered)
        {
            return RenderSignal(in e, customerId);
        }

        var json = new JsonObject { ["eventId"] = EventId(customerId, e.Number) };
        if (e.Type == BookEventType.Voided)
        {
            json["type"] = "event.voided";
            json["voidedEventId"] = EventId(customerId, e.VoidedNumber);
            json["reason"] = Vocabulary.VoidReason;
            return json;
        }

        json["type"] = e.Type switch
        {
            BookEventType.Signed => "contract.signed",
            BookEventType.CrossSold => "contract.cross_sold",
            BookEventType.Upsold => "contract.upsold",
            BookEventType.Downsold => "contract.downsold",
            BookEventType.Renewed => "contract.renewed",
            BookEventType.Churned => "contract.churned",
            _ => throw new InvalidOperationException($"Unexpected event type {e.Type}."),
        };
        json["customerId"] = customerId;
        json["contractId"] = customerId + "-c" + e.Contract.ToString(CultureInfo.InvariantCulture);
        json["effectiveDate"] = Date(e.EffectiveDay);

        switch (e.Type)
        {
            case BookEventType.Signed or BookEventType.CrossSold:
                AddArr(json, e);
                json["termEndDate"] = Date(e.TermEndDay);
                json["product"] = Vocabulary.Products[e.Detail];
                break;
            case BookEventType.Renewed:
                AddArr(json, e);
                json["termEndDate"] = Date(e.TermEndDay);
                break;
            case BookEventType.Upsold:
                json["arrIncrease"] = e.Amount;
                break;
            case BookEventType.Downsold:
                json["arrDecrease"] = e.Amount;
                break;
            case BookEventType.Churned:
                json["reason"] = Vocabulary.ChurnReasons[e.Detail];
                break;
        }

        if (e.CustomerSegment >= 0)
        {
            json["customer"] = new JsonObject
            {
                ["name"] = $"Customer {_customers.Digits(e.Customer)} {Vocabulary.CompanySuffixes[_customers.Suffix[e.Customer]]}",
                ["segment"] = Vocabulary.Segments[e.CustomerSegment],
                ["csm"] = Vocabulary.Csms[_customers.Csm[e.Customer]],
            };
        }

        return json;
    }

    private static JsonObject RenderSignal(in BookEvent e, string customerId)
    {
        var json = new JsonObject
        {
            ["eventId"] = customerId + "-s" + e.Number.ToString(CultureInfo.InvariantCulture),
            ["type"] = e.Type switch
            {
                BookEventType.NpsAnswered => "survey.nps_answered",
                BookEventType.CsatAnswered => "survey.csat_answered",
                BookEventType.UsageReported => "usage.reported",
                BookEventType.EngagementRecorded => "engagement.recorded",
                BookEventType.RiskFlagged => "risk.flagged",
                BookEventType.RiskCleared => "risk.cleared",
                BookEventType.CustomerAssigned => "customer.assigned",
                _ => throw new InvalidOperationException($"Unexpected event type {e.Type}."),
            },
            ["customerId"] = customerId,
            ["effectiveDate"] = Date(e.EffectiveDay),
        };

        switch (e.Type)
        {
            case BookEventType.NpsAnswered:
                json["respondentId"] = customerId + "-" + Vocabulary.Respondents[e.Detail];
                json["score"] = e.Value;
                if (e.Variant > 0)
                {
                    json["comment"] = Vocabulary.NpsComments[e.Variant - 1];
                }

                break;
            case BookEventType.CsatAnswered:
                json["respondentId"] = customerId + "-" + Vocabulary.Respondents[e.Detail];
                json["score"] = e.Value;
                json["scale"] = e.Variant == 0 ? "1-5" : "1-100";
                json["topic"] = "ticket-" + e.Amount.ToString(CultureInfo.InvariantCulture);
                break;
            case BookEventType.UsageReported:
                json["periodStartDate"] = Date(e.TermEndDay);
                json["licensedSeats"] = e.Seats;
                json["activeUsers"] = e.Value;
                json["logins"] = e.Amount;
                var features = new JsonArray();
                for (var i = 0; i < Vocabulary.Features.Length; i++)
                {
                    if ((e.Variant & (1 << i)) != 0)
                    {
                        features.Add(Vocabulary.Features[i]);
                    }
                }

                json["features"] = features;
                break;
            case BookEventType.EngagementRecorded:
                json["kind"] = Vocabulary.EngagementKinds[e.Detail];
                json["participants"] = new JsonArray([.. Participants(e.Detail, e.Variant).Select(p => JsonValue.Create(p))]);
                break;
            case BookEventType.RiskFlagged:
                json["factor"] = Vocabulary.RiskFactors[e.Detail];
                json["severity"] = Vocabulary.Severities[e.Variant];
                break;
            case BookEventType.RiskCleared:
                json["factor"] = Vocabulary.RiskFactors[e.Detail];
                break;
            case BookEventType.CustomerAssigned:
                json["csm"] = Vocabulary.Csms[e.Detail];
                json["touchModel"] = Vocabulary.TouchModels[e.Variant];
                break;
        }

        return json;
    }

    /// <summary>The vendor's people at a touch: the CSM, with the account executive at a QBR, or whoever runs the touch.</summary>
    private static string[] Participants(int kind, int csm)
    {
        var owner = Vocabulary.Csms[csm];
        return kind switch
        {
            Vocabulary.Qbr => [owner, Vocabulary.AccountExecutives[csm % Vocabulary.AccountExecutives.Length]],
            Vocabulary.Training => [Vocabulary.OnboardingLead],
            Vocabulary.OnboardingSession => [owner, Vocabulary.OnboardingLead],
            Vocabulary.Webinar => [Vocabulary.WebinarHost],
            Vocabulary.Escalation => [owner, Vocabulary.SupportLead],
            _ => [owner],
        };
    }

    private static void AddArr(JsonObject json, in BookEvent e)
    {
        if (e.PeriodMonths == 12)
        {
            json["arr"] = e.Amount;
        }
        else
        {
            // The generator keeps ARR a whole multiple of 12 / periodMonths, so this division is exact.
            json["recurringAmount"] = e.Amount * e.PeriodMonths / 12;
            json["periodMonths"] = (int)e.PeriodMonths;
        }
    }

    private static string EventId(string customerId, int number) =>
        customerId + "-e" + number.ToString(CultureInfo.InvariantCulture);

    private static string Date(int dayNumber) =>
        DateOnly.FromDayNumber(dayNumber).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
