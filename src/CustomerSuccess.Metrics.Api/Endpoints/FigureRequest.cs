using CustomerSuccess.Metrics.Movements;
using CustomerSuccess.Metrics.Periods;
using NodaTime;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>
/// A read request with every parameter its endpoint accepts read, bounded and defaulted, and its knowledge instant
/// settled: the <c>knownAt</c> the answer is given as of, which a client can send again to reproduce it.
/// </summary>
/// <remarks>
/// <see cref="RecordedFrom"/> and <see cref="RecordedTo"/> bound a range of recorded instants; <see cref="RecordedTo"/>
/// is settled as <see cref="KnownAt"/> is. An endpoint comparing two knowledge instants (<c>since</c>, <c>until</c>) receives
/// them there too.
/// </remarks>
public sealed record FigureRequest(
    LocalDate AsOf, LocalDate From, LocalDate To, ReportingInterval? Interval, Instant KnownAt, string? Segment, string? Kind, int Limit, int Offset,
    string? CustomerId, string? Status, Instant? RecordedFrom, Instant RecordedTo)
{
    public const int MaxPeriods = 5000;
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10_000;

    /// <summary>JSON unless CSV is asked for, by the <c>format</c> parameter or the Accept header.</summary>
    public ResponseFormat Format { get; init; }

    /// <summary>The CSM, touch model and health band asked for, and a CSAT topic; null for all.</summary>
    public string? Csm { get; init; }

    public string? TouchModel { get; init; }

    public string? Band { get; init; }

    public string? Topic { get; init; }

    public static readonly IReadOnlyList<string> MovementKindNames = [.. MovementKinds.Bridge, MovementKinds.TransferIn, MovementKinds.TransferOut];

    /// <summary>What the endpoint receives when its parameters were refused; it is never called with it.</summary>
    public static readonly FigureRequest Unread = new(default, default, default, null, default, null, null, DefaultLimit, 0, null, null, null, default);
}
