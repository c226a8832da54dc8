using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Recording;
using JasperFx.Events;
using Marten;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Periods;

public static class PeriodActions
{
    public const string Closed = "closed";
    public const string Reopened = "reopened";
}

/// <summary>
/// One close or reopening of a month, as recorded: <see cref="KnownAt"/> and <see cref="Reported"/> are the close's.
/// </summary>
public sealed record PeriodAction(string EventId, string Action, Instant RecordedAt, string By, Instant? KnownAt, PeriodFigures? Reported);

/// <summary>A month's closes and reopenings, oldest first.</summary>
public sealed record PeriodState(YearMonth Month, IReadOnlyList<PeriodAction> History)
{
    public const string Open = "open";
    public const string Closed = "closed";
    public const string Reopened = "reopened";

    /// <summary>The latest close, in force or reopened since; null when the month was never closed.</summary>
    public PeriodAction? LastClose => History.LastOrDefault(a => a.Action == PeriodActions.Closed);

    public bool IsClosed => History.Count > 0 && History[^1].Action == PeriodActions.Closed;

    /// <summary><see cref="Open"/> (never closed), <see cref="Closed"/> or <see cref="Reopened"/>.</summary>
    public string Status => History.Count == 0 ? Open : IsClosed ? Closed : Reopened;

    public static PeriodState From(YearMonth month, IEnumerable<IEvent> events) => new(month, [.. events.Select(e => e.Data switch
    {
        PeriodClosed c => new PeriodAction(c.EventId, PeriodActions.Closed, Instant.FromDateTimeOffset(e.Timestamp), c.ClosedBy, c.KnownAt, c.Reported),
        PeriodReopened r => new PeriodAction(r.EventId, PeriodActions.Reopened, Instant.FromDateTimeOffset(e.Timestamp), r.ReopenedBy, null, null),
        _ => null,
    }).OfType<PeriodAction>()]);
}

public enum CloseOutcome
{
    /// <summary>Closed now.</summary>
    Closed,

    /// <summary>Closed before, and its figures are still those reported then: nothing new was recorded.</summary>
    AlreadyClosed,

    /// <summary>Closed before, and its figures have changed since: a restatement, which only a reopening lets be closed.</summary>
    ChangedSinceClose,

    /// <summary>The month has not ended yet.</summary>
    NotEnded,
}

/// <summary>
/// Closes and reopens reporting months. Both are events of the month's own stream, stamped by the recording clock
/// like every other event, so a month's history is as immutable and as "as known at" as the book's.
/// </summary>
public sealed class PeriodBook(IDocumentStore store, RecordingClock recordingClock, PeriodReport report, IClock clock)
{
    public static readonly YearMonth Earliest = new(EventParser.EarliestDate.Year, EventParser.EarliestDate.Month);

    public static readonly YearMonth Latest = new(EventParser.LatestDate.Year, EventParser.LatestDate.Month);

    /// <summary>A month written yyyy-MM within the dates an event may carry, or null.</summary>
    public static YearMonth? Parse(string text) =>
        text.Length == 7 && YearMonthPattern.Iso.Parse(text) is { Success: true } parsed && parsed.Value.CompareTo(Earliest) >= 0 &&
        parsed.Value.CompareTo(Latest) <= 0
            ? parsed.Value
            : null;

    /// <summary>The month's closes and reopenings recorded by <paramref name="knownAt"/>.</summary>
    public async Task<PeriodState> StateAsync(YearMonth month, Instant knownAt, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(StreamKeys.Period(month), token: cancellation).ConfigureAwait(false);
        return PeriodState.From(month, events.Where(e => Instant.FromDateTimeOffset(e.Timestamp) <= knownAt));
    }

    /// <summary>
    /// Closes the month with its figures as known now, unless it is closed already (then the outcome says whether its
    /// figures have changed since) or has not ended. Returns the outcome and the month's state after it.
    /// </summary>
    public async Task<(CloseOutcome Outcome, PeriodState State)> CloseAsync(YearMonth month, string closedBy, CancellationToken cancellation)
    {
        var dates = new PeriodDates(month);
        if (dates.To >= clock.GetCurrentInstant().InUtc().Date)
        {
            return (CloseOutcome.NotEnded, await StateAsync(month, Instant.MaxValue, cancellation).ConfigureAwait(false));
        }

        var knownAt = await recordingClock.SettleAsync(null, readsReadModels: true, cancellation).ConfigureAwait(false);
        var figures = await report.QueryAsync(month, knownAt, cancellation).ConfigureAwait(false);
        return await AppendAsync(month, closedBy, state =>
        {
            if (state.IsClosed)
            {
                return (state.LastClose!.Reported == figures ? CloseOutcome.AlreadyClosed : CloseOutcome.ChangedSinceClose, null);
            }

            return (CloseOutcome.Closed, new PeriodClosed(NewEventId(), YearMonthPattern.Iso.Format(month), knownAt, closedBy, figures));
        }, cancellation).ConfigureAwait(false);
    }

    /// <summary>Reopens a closed month; false (and nothing recorded) when it is not closed.</summary>
    public async Task<(bool Reopened, PeriodState State)> ReopenAsync(YearMonth month, string reopenedBy, CancellationToken cancellation)
    {
        var (reopened, state) = await AppendAsync(month, reopenedBy, state => state.IsClosed
            ? (true, new PeriodReopened(NewEventId(), YearMonthPattern.Iso.Format(month), reopenedBy))
            : (false, null), cancellation).ConfigureAwait(false);
        return (reopened, state);
    }

    private static string NewEventId() => Guid.NewGuid().ToString("D");

    /// <summary>
    /// Decides against the month's history while holding the recording clock, so no other close or reopening can come
    /// between the decision and its event, and appends what was decided, if anything, at the next recorded instant.
    /// </summary>
    private async Task<(T Outcome, PeriodState State)> AppendAsync<T>(
        YearMonth month, string by, Func<PeriodState, (T Outcome, object? Event)> decide, CancellationToken cancellation)
    {
        var key = StreamKeys.Period(month);
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        var stamp = await recordingClock.StampAsync(session.Connection!, 1, cancellation).ConfigureAwait(false);
        var events = await session.Events.FetchStreamAsync(key, token: cancellation).ConfigureAwait(false);
        var state = PeriodState.From(month, events);
        var (outcome, decided) = decide(state);
        if (decided is null)
        {
            return (outcome, state);
        }

        var action = events.Count == 0 ? session.Events.StartStream(key, decided) : session.Events.Append(key, events.Count + 1, decided);
        var appended = action.Events[0];
        appended.Timestamp = stamp.ToDateTimeOffset();
        appended.SetHeader(Sender.PublishedByHeader, by);
        appended.SetHeader(Sender.ViaHeader, Transports.Http);
        await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        return (outcome, PeriodState.From(month, [.. events, appended]));
    }
}
