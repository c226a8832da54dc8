using System.Diagnostics;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>One figure asked of the API, with how the two baselines compute the same figure, and what the floor reads.</summary>
internal sealed record QueryCase(
    string Title,
    string Path,
    Func<JsonNode, Figure> FromApi,
    Func<NaiveBook, Figure> Naive,
    Func<FloorTables, Instant?, CancellationToken, Task<Figure>> Floor,
    string FloorSource = QueryCase.Movements)
{
    public const string Movements = "hand-written SQL over flat_movements";
}

/// <summary>The floor's flat copies, made once the book is loaded.</summary>
internal sealed record FloorTables(FlatMovements Movements, FlatSignals Signals, FlatContractEvents Contracts)
{
    public static FloorTables For(DatabaseServer server, string schema) =>
        new(new FlatMovements(server.DataSource, schema), new FlatSignals(server.DataSource, schema), new FlatContractEvents(server.DataSource, schema));

    public async Task CreateAsync(CancellationToken cancellation)
    {
        await Movements.CreateAsync(cancellation);
        await Signals.CreateAsync(cancellation);
        await Contracts.CreateAsync(cancellation);
    }
}

internal sealed record QueryResult(
    string Title,
    string FloorSource,
    Latency Api,
    Latency Floor,
    TimeSpan Naive,
    int NaiveRuns,
    IReadOnlyList<string> FloorDifferences,
    IReadOnlyList<string> NaiveDifferences);

/// <summary>A figure the API or the floor could not answer; the other figures are still measured.</summary>
internal sealed record QueryFailure(string Title, string Reason);

internal sealed record QueryResults(IReadOnlyList<QueryResult> Measured, IReadOnlyList<QueryFailure> Failed);

/// <summary>
/// Each figure over HTTP against the floor (request and query alternating, which goes first swapping every
/// time), then against the naive live aggregation, all on the book the API holds.
/// </summary>
internal sealed class QueryBenchmark(ApiProcess api, DatabaseServer server, string schema, TextWriter log)
{
    private const int WarmUps = 3;
    private const int Requests = 30;
    private const int FewestRequests = 10;
    private static readonly TimeSpan SlowRequest = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongNaiveRun = TimeSpan.FromSeconds(60);

    public static IReadOnlyList<QueryCase> Cases { get; } =
    [
        new("ARR as of 2025-06-30", "/api/v1/arr?asOf=2025-06-30",
            Definitions.ArrFromApi,
            naive => naive.Arr(new LocalDate(2025, 6, 30)),
            (floor, knownAt, c) => floor.Movements.ArrAsync(new LocalDate(2025, 6, 30), knownAt, c)),
        new("12-month bridge 2025", "/api/v1/metrics/bridge?from=2025-01-01&to=2025-12-31&interval=month",
            Definitions.BridgeFromApi,
            naive => naive.Bridge(new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31)),
            (floor, knownAt, c) => floor.Movements.BridgeAsync(new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31), knownAt, c)),
        new("60-month ARR series 2021-2025", "/api/v1/arr/series?from=2021-01-01&to=2025-12-31&interval=month",
            Definitions.SeriesFromApi,
            naive => naive.Series(new LocalDate(2021, 1, 1), new LocalDate(2025, 12, 31)),
            (floor, knownAt, c) => floor.Movements.SeriesAsync(new LocalDate(2021, 1, 1), new LocalDate(2025, 12, 31), knownAt, c)),
        new("12-month retention 2025", "/api/v1/metrics/retention?from=2025-01-01&to=2025-12-31",
            Definitions.RetentionFromApi,
            naive => naive.Retention(new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31)),
            (floor, knownAt, c) => floor.Movements.RetentionAsync(new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31), knownAt, c)),
        new("NPS 2025", "/api/v1/signals/nps?from=2025-01-01&to=2025-12-31",
            Definitions.NpsFromApi,
            naive => naive.Nps(new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31)),
            (floor, knownAt, c) => floor.Signals.NpsAsync(new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31), knownAt, c),
            "hand-written SQL over flat_signals and flat_details"),
        new("Health distribution as of 2025-12-31", "/api/v1/health-scores?asOf=2025-12-31&limit=1",
            Definitions.HealthFromApi,
            naive => naive.Health(new LocalDate(2025, 12, 31)),
            (floor, knownAt, c) => floor.Signals.HealthAsync(new LocalDate(2025, 12, 31), knownAt, c),
            "hand-written SQL over flat_signals, flat_details and flat_movements, scored in C#"),
        new("Renewals due 2025-Q4", "/api/v1/renewals?from=2025-10-01&to=2025-12-31",
            Definitions.RenewalsFromApi,
            naive => naive.Renewals(new LocalDate(2025, 10, 1), new LocalDate(2025, 12, 31)),
            (floor, knownAt, c) => floor.Contracts.RenewalsAsync(new LocalDate(2025, 10, 1), new LocalDate(2025, 12, 31), knownAt, c),
            "hand-written SQL over flat_contract_events, terms followed in C#"),
    ];

    public async Task<QueryResults> RunAsync(Instant middleRecordedAt, CancellationToken cancellation)
    {
        // Autovacuum analyzes a freshly loaded table only a while after the load, and until then the planner guesses. The floor's
        // tables are vacuumed and analyzed, so the API's tables get the same: both are measured in the state autovacuum reaches.
        log.WriteLine($"VACUUM ANALYZE of the API's tables in {schema}");
        var tables = await server.ScalarTextAsync(
            $"select string_agg(tablename, ',' order by tablename) from pg_tables where schemaname = '{schema}'", cancellation);
        foreach (var table in tables.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            await server.ExecuteAsync($"vacuum analyze {schema}.{table}", cancellation);
        }

        var floor = FloorTables.For(server, schema);
        log.WriteLine($"Creating the floor's flat copies in {schema}");
        await floor.CreateAsync(cancellation);

        var variants = Cases.SelectMany(c => new (QueryCase Case, Instant? KnownAt)[] { (c, null), (c, middleRecordedAt) }).ToList();
        var measured = new List<(QueryCase Case, Instant? KnownAt, string Title, Latency Api, Latency Floor, Figure ApiFigure, IReadOnlyList<string> FloorDifferences)>();
        var failed = new List<QueryFailure>();
        foreach (var (queryCase, knownAt) in variants)
        {
            var title = Title(queryCase, knownAt);
            try
            {
                var (apiLatency, floorLatency, apiFigure, floorFigure) = await MeasureAsync(queryCase, floor, knownAt, cancellation);
                measured.Add((queryCase, knownAt, title, apiLatency, floorLatency, apiFigure, Figure.Differences(apiFigure, floorFigure)));
                log.WriteLine($"{title}: API {apiLatency}; floor {floorLatency}");
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                failed.Add(new QueryFailure(title, e.Message));
                log.WriteLine($"{title}: FAILED: {e}");
            }
        }

        // One untimed pass first, so that the first figure measured does not also pay for compiling the reader and the replay.
        await NaiveBook.ReadAsync(server.DataSource, schema, null, cancellation);
        var results = new List<QueryResult>();
        foreach (var (queryCase, knownAt, title, apiLatency, floorLatency, apiFigure, floorDifferences) in measured)
        {
            var (naive, runs, naiveFigure) = await NaiveAsync(queryCase, knownAt, cancellation);
            log.WriteLine($"{title}: naive {Format.Duration(naive)} (median of {runs})");
            results.Add(new QueryResult(title, queryCase.FloorSource, apiLatency, floorLatency, naive, runs, floorDifferences,
                Figure.Differences(apiFigure, naiveFigure)));
        }

        return new QueryResults(results, failed);
    }

    private static string Title(QueryCase queryCase, Instant? knownAt) =>
        queryCase.Title + (knownAt is null ? ", knownAt now" : ", knownAt mid-load");

    private async Task<(Latency Api, Latency Floor, Figure ApiFigure, Figure FloorFigure)> MeasureAsync(
        QueryCase queryCase, FloorTables floor, Instant? knownAt, CancellationToken cancellation)
    {
        var path = knownAt is { } k ? $"{queryCase.Path}&knownAt={Uri.EscapeDataString(InstantPattern.ExtendedIso.Format(k))}" : queryCase.Path;
        var warmUp = TimeSpan.Zero;
        for (var i = 0; i < WarmUps; i++)
        {
            warmUp += (await RequestAsync(path, cancellation)).Elapsed;
            await TimeAsync(() => queryCase.Floor(floor, knownAt, cancellation));
        }

        var count = warmUp / WarmUps > SlowRequest ? FewestRequests : Requests;
        var (apiSamples, floorSamples) = (new List<TimeSpan>(count), new List<TimeSpan>(count));
        JsonNode? apiBody = null;
        Figure? floorFigure = null;
        for (var i = 0; i < count; i++)
        {
            for (var turn = 0; turn < 2; turn++)
            {
                if ((i + turn) % 2 == 0)
                {
                    var (elapsed, body) = await RequestAsync(path, cancellation);
                    apiSamples.Add(elapsed);
                    apiBody = body;
                }
                else
                {
                    var (elapsed, figure) = await TimeAsync(() => queryCase.Floor(floor, knownAt, cancellation));
                    floorSamples.Add(elapsed);
                    floorFigure = figure;
                }
            }
        }

        return (new Latency(apiSamples), new Latency(floorSamples), queryCase.FromApi(apiBody!), floorFigure!);
    }

    /// <summary>End to end: the whole event table read and replayed, then the figure computed. Once only when a run is very long.</summary>
    private async Task<(TimeSpan Median, int Runs, Figure Figure)> NaiveAsync(QueryCase queryCase, Instant? knownAt, CancellationToken cancellation)
    {
        var runs = new List<TimeSpan>();
        Figure figure;
        do
        {
            (var elapsed, figure) = await TimeAsync(async () =>
                queryCase.Naive(await NaiveBook.ReadAsync(server.DataSource, schema, knownAt, cancellation)));
            runs.Add(elapsed);
        }
        while (runs.Count < 3 && runs[0] <= LongNaiveRun);

        return (new Latency(runs).Median, runs.Count, figure);
    }

    private async Task<(TimeSpan Elapsed, JsonNode Body)> RequestAsync(string path, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await api.Client.GetAsync(path, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        stopwatch.Stop();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}\n{api.RecentOutput()}");
        }

        return (stopwatch.Elapsed, JsonNode.Parse(text)!);
    }

    private static async Task<(TimeSpan Elapsed, T Result)> TimeAsync<T>(Func<Task<T>> action)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await action();
        return (stopwatch.Elapsed, result);
    }
}
