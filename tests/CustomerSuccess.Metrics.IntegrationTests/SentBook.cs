using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace CustomerSuccess.Metrics.IntegrationTests;

internal enum ChangeKind
{
    Signed,
    Upsold,
    Downsold,
}

/// <summary>One contract event a test sends: its JSON and what it does to its customer's ARR from its effective date.</summary>
internal sealed record SentChange(string EventId, string CustomerId, ChangeKind Kind, LocalDate Date, decimal Amount, string Json)
{
    private static readonly LocalDatePattern Iso = LocalDatePattern.Iso;

    public decimal ArrChange => Kind == ChangeKind.Downsold ? -Amount : Amount;

    /// <summary>A signing of the customer's contract <c>{customerId}-c</c>, the customer's first and only one.</summary>
    public static SentChange Signed(string eventId, string customerId, LocalDate date, decimal arr) =>
        new(eventId, customerId, ChangeKind.Signed, date, arr, Events.Signed(eventId, customerId, customerId + "-c", Iso.Format(date), arr));

    public static SentChange Upsold(string eventId, string customerId, LocalDate date, decimal increase) =>
        new(eventId, customerId, ChangeKind.Upsold, date, increase, Events.Upsold(eventId, customerId, customerId + "-c", Iso.Format(date), increase));

    public static SentChange Downsold(string eventId, string customerId, LocalDate date, decimal decrease) =>
        new(eventId, customerId, ChangeKind.Downsold, date, decrease, Events.Downsold(eventId, customerId, customerId + "-c", Iso.Format(date), decrease));
}

/// <summary>
/// Every batch a test sent over <c>POST /api/v1/events</c> and how the API acknowledged it: which events each answer
/// appended, at which recorded instant, in which request. From this alone the figures the store must give are worked
/// out for any <c>asOf</c> and <c>knownAt</c>, without the engine, and the event table is checked against it.
/// </summary>
internal sealed class SentBook
{
    public static readonly LocalDate Signing = new(2024, 1, 15);

    private readonly ConcurrentDictionary<string, (SentChange Change, Instant At, long Request)> _appended = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Instant, long> _requestsByInstant = new();
    private readonly ConcurrentDictionary<string, SentChange> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _faults = new();
    private long _requests;
    private long _duplicates;

    /// <summary>Events the store has acknowledged, appended or as duplicates.</summary>
    public int Acknowledged => _acknowledged.Count;

    public int Appended => _appended.Count;

    /// <summary>Events answered as duplicates, counted once per answer.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>The recorded instants of the requests that appended something, oldest first.</summary>
    public IReadOnlyList<Instant> Instants => [.. _requestsByInstant.Keys.Order()];

    /// <summary>
    /// Sends a batch and fails unless it is answered 200 with one result per event, in order; notes what was appended
    /// and when. Returns the answer and how long it took.
    /// </summary>
    public async Task<(JsonNode Reply, TimeSpan Took)> SendAsync(HttpClient client, IReadOnlyList<SentChange> batch)
    {
        var body = "[" + string.Join(',', batch.Select(c => c.Json)) + "]";
        var stopwatch = Stopwatch.StartNew();
        using var response = await client.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        var took = stopwatch.Elapsed;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /api/v1/events answered {(int)response.StatusCode}: {text}");

        var reply = JsonNode.Parse(text)!;
        var results = reply["results"]!.AsArray();
        Assert.Equal(batch.Select(c => c.EventId), results.Select(r => r!["eventId"]!.GetValue<string>()));
        var request = Interlocked.Increment(ref _requests);
        var recordedAt = reply["recordedAt"]?.GetValue<string>() is { } at ? InstantPattern.ExtendedIso.Parse(at).Value : (Instant?)null;
        foreach (var (change, result) in batch.Zip(results))
        {
            _acknowledged.TryAdd(change.EventId, change);
            switch (result!["status"]!.GetValue<string>())
            {
                case "appended" when recordedAt is { } instant:
                    if (!_appended.TryAdd(change.EventId, (change, instant, request)))
                    {
                        _faults.Enqueue($"{change.EventId} was answered as appended twice");
                    }

                    break;
                case "duplicate":
                    Interlocked.Increment(ref _duplicates);
                    break;
                case var status:
                    _faults.Enqueue($"{change.EventId}: status {status}, recordedAt {recordedAt}");
                    break;
            }
        }

        if (recordedAt is { } recorded && !_requestsByInstant.TryAdd(recorded, request))
        {
            _faults.Enqueue($"two requests were recorded at {Format(recorded)}");
        }

        return (reply, took);
    }

    /// <summary>Every acknowledged event was appended by exactly one answer, and no two requests share an instant.</summary>
    public void AssertEveryAcknowledgedEventAppendedOnce()
    {
        Assert.Empty(_faults);
        var neverAppended = _acknowledged.Keys.Where(id => !_appended.ContainsKey(id)).ToList();
        Assert.True(neverAppended.Count == 0, $"acknowledged but never appended: {string.Join(", ", neverAppended.Take(10))}");
        Assert.Equal(_acknowledged.Count, _appended.Count);
    }

    /// <summary>
    /// The schema's event table holds exactly the appended events, each once, each at the instant its request was
    /// answered with; in the store's sequence order the recorded instants never go back, and two neighbours share one
    /// only when the same request appended both.
    /// </summary>
    public async Task AssertStoreAsync(string schema)
    {
        var rows = new List<(long Sequence, Instant At, string EventId)>();
        await using (var database = NpgsqlDataSource.Create(TestDatabase.ConnectionString))
        await using (var command = database.CreateCommand($"select seq_id, timestamp, data ->> 'eventId' from {schema}.mt_events order by seq_id"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), Instant.FromDateTimeUtc(reader.GetDateTime(1)), reader.GetString(2)));
            }
        }

        Assert.Equal(_appended.Count, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.EventId).Distinct(StringComparer.Ordinal).Count());
        var misplaced = rows.Where(r => !_appended.TryGetValue(r.EventId, out var a) || a.At != r.At)
            .Select(r => $"{r.EventId} at {Format(r.At)}, answered as {Format(_appended.GetValueOrDefault(r.EventId).At)}").ToList();
        Assert.True(misplaced.Count == 0, $"stored unlike their answers:\n{string.Join('\n', misplaced.Take(10))}");

        var outOfOrder = rows.Zip(rows.Skip(1))
            .Where(p => !(p.Second.At > p.First.At || (p.Second.At == p.First.At && _appended[p.First.EventId].Request == _appended[p.Second.EventId].Request)))
            .Select(p => $"#{p.First.Sequence} {p.First.EventId} at {Format(p.First.At)}, then #{p.Second.Sequence} {p.Second.EventId} at {Format(p.Second.At)}")
            .ToList();
        Assert.True(outOfOrder.Count == 0, $"{outOfOrder.Count} neighbours in sequence order out of recorded order:\n{string.Join('\n', outOfOrder.Take(10))}");
    }

    /// <summary>What the events appended by <paramref name="knownAt"/> add up to, day by day.</summary>
    public KnownDays KnownAt(Instant knownAt)
    {
        var days = new KnownDays();
        foreach (var (change, at, _) in _appended.Values)
        {
            if (at <= knownAt)
            {
                days.Add(change);
            }
        }

        return days;
    }

    /// <summary>
    /// Calls <paramref name="check"/> for each item with what the events appended by the item's instant add up to,
    /// walking the appended events once, in recorded order: the days are only good during the call.
    /// </summary>
    public void ForEachKnownAt<T>(IEnumerable<T> items, Func<T, Instant> knownAt, Action<T, KnownDays> check)
    {
        var appended = _appended.Values.OrderBy(a => a.At).ToArray();
        var days = new KnownDays();
        var next = 0;
        foreach (var item in items.OrderBy(knownAt))
        {
            var at = knownAt(item);
            for (; next < appended.Length && appended[next].At <= at; next++)
            {
                days.Add(appended[next].Change);
            }

            check(item, days);
        }
    }

    /// <summary>One customer's ARR at the end of <paramref name="asOf"/>, as known at <paramref name="knownAt"/>.</summary>
    public decimal ArrOf(string customerId, LocalDate asOf, Instant knownAt) =>
        Known(knownAt).Where(c => c.CustomerId == customerId && c.Date <= asOf).Sum(c => c.ArrChange);

    /// <summary>How many events of the customer were appended by <paramref name="knownAt"/>.</summary>
    public int EventsOf(string customerId, Instant knownAt) => Known(knownAt).Count(c => c.CustomerId == customerId);

    private static string Format(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private IEnumerable<SentChange> Known(Instant knownAt) => _appended.Values.Where(a => a.At <= knownAt).Select(a => a.Change);

    /// <summary>
    /// The environment of an API process on <paramref name="schema"/> of the test database, with no broker and request
    /// limits far above what a test sends.
    /// </summary>
    public static Dictionary<string, string> HostEnvironment(string schema) => new()
    {
        ["ConnectionStrings__Marten"] = TestDatabase.ConnectionString,
        ["Marten__Schema"] = schema,
        ["ConnectionStrings__RabbitMq"] = "",
        ["Auth__RequestsPerSecond__Write"] = "1000000",
        ["Auth__RequestsPerSecond__Read"] = "1000000",
        ["Auth__RequestsPerSecond__Admin"] = "1000000",
    };

    /// <summary>A change of a customer signed on <see cref="Signing"/>, <paramref name="days"/> after it (1 to 300): an upsell on odd days, a downsell on even ones, so no day of one customer nets the two.</summary>
    public static SentChange ChangeAfterSigning(string eventId, string customerId, int days, decimal amount) =>
        days % 2 == 1
            ? SentChange.Upsold(eventId, customerId, Signing.PlusDays(days), amount)
            : SentChange.Downsold(eventId, customerId, Signing.PlusDays(days), amount);
}

/// <summary>
/// Sent changes added up per effective day of 2024, the only year the tests date them in; a date before it has nothing
/// on or before it, and one after it everything.
/// </summary>
internal sealed class KnownDays
{
    private static readonly LocalDate FirstDay = new(2024, 1, 1);
    private const int Days = 366;

    private readonly decimal[] _arrChange = new decimal[Days];
    private readonly int[] _signed = new int[Days];
    private readonly decimal[][] _amounts = [.. Enum.GetValues<ChangeKind>().Select(_ => new decimal[Days])];

    public void Add(SentChange change)
    {
        Assert.Equal(FirstDay.Year, change.Date.Year);
        var day = change.Date.DayOfYear - 1;
        _arrChange[day] += change.ArrChange;
        _amounts[(int)change.Kind][day] += change.Amount;
        if (change.Kind == ChangeKind.Signed)
        {
            _signed[day]++;
        }
    }

    /// <summary>ARR at the end of <paramref name="asOf"/>.</summary>
    public decimal Arr(LocalDate asOf) => _arrChange.Take(Through(asOf)).Sum();

    /// <summary>Customers signed on or before <paramref name="asOf"/>: none ever churns.</summary>
    public int ActiveCustomers(LocalDate asOf) => _signed.Take(Through(asOf)).Sum();

    /// <summary>The sum of one kind of change effective from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public decimal Sum(ChangeKind kind, LocalDate from, LocalDate to) =>
        _amounts[(int)kind].Take(Through(to)).Skip(Through(from.PlusDays(-1))).Sum();

    /// <summary>How many days of the year end on or before <paramref name="date"/>.</summary>
    private static int Through(LocalDate date) =>
        date < FirstDay ? 0 : date.Year > FirstDay.Year ? Days : date.DayOfYear;
}
