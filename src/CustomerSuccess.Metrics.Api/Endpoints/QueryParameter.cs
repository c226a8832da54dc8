namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>A query parameter a read endpoint may accept; each is read, bounded and described in one place.</summary>
public enum QueryParameter
{
    AsOf,
    From,
    To,
    Interval,
    KnownAt,
    Segment,
    Kind,
    Limit,
    Offset,
    Format,
    CustomerId,
    Status,

    /// <summary>The first recorded instant of a range of instants, published as <c>from</c>.</summary>
    RecordedFrom,

    /// <summary>The last recorded instant of a range of instants, published as <c>to</c> and settled like <c>knownAt</c>.</summary>
    RecordedTo,
    /// <summary>The knowledge instant a comparison starts from, published as <c>since</c>; required.</summary>
    Since,
    /// <summary>The knowledge instant a comparison ends at, published as <c>until</c> and settled like <c>knownAt</c>.</summary>
    Until,

    /// <summary>The CSM who owns the accounts, as a contract event's <c>customer.csm</c> or a <c>customer.assigned</c> names them.</summary>
    Csm,

    /// <summary>A health band: red, yellow or green.</summary>
    Band,

    /// <summary>A touch model: high, low or tech; published as <c>touchModel</c>.</summary>
    TouchModel,

    /// <summary>A CSAT answer's topic.</summary>
    Topic,
}

/// <summary>
/// The query parameters an endpoint accepts. Any other parameter is refused, so that a misspelt one is never
/// answered as if it had been left out. An endpoint without this attribute accepts none.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AcceptsQueryAttribute(params QueryParameter[] parameters) : Attribute
{
    public IReadOnlyList<QueryParameter> Parameters { get; } = parameters;

    /// <summary>The interval used when none is asked for (day, week, month, quarter, year); none when empty.</summary>
    public string? DefaultInterval { get; init; }

    /// <summary>
    /// Whether the endpoint reads the event log alone, not the read models: it answers while they are being rebuilt or
    /// were left by an earlier version.
    /// </summary>
    public bool ReadsEventLogOnly { get; init; }

    /// <summary>Whether <c>from</c> and <c>to</c> may be left out, asking for every date an event may carry.</summary>
    public bool RangeOptional { get; init; }

    public bool Accepts(QueryParameter parameter) => Parameters.Contains(parameter);
}
