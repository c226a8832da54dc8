using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace CustomerSuccess.Metrics.Benchmarks;

internal sealed record ReportRow(string Scenario, string Figure, string Baseline, string BaselineFigure, string Ratio, string Target, string Met);

/// <summary>
/// One run's section of docs/benchmarks.md: the machine, the date, the size and the command, then one table.
/// A run rewrites only its own section (its size, or its size and scenario for a partial run), so the small and
/// large figures stand side by side.
/// </summary>
internal sealed class Report(BenchmarkPlan plan, string machine)
{
    private const string Title = "# Benchmarks";

    private readonly DateTimeOffset _date = DateTimeOffset.UtcNow;
    private readonly string _loadAtStart = LoadAverages();
    private string? _loadAtEnd;
    private readonly List<ReportRow> _rows = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _mismatches = [];
    private string _book = "";
    private string? _failure;

    public bool Failed => _failure is not null;

    public static async Task<string> DescribeMachineAsync(DatabaseServer server, CancellationToken cancellation)
    {
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kib = long.Parse(memory["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        var postgres = await server.ScalarTextAsync("show server_version", cancellation);
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? $" (Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()})" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, {kib / 1024.0 / 1024.0:0.0} GiB memory, {os ?? RuntimeInformation.OSDescription}{kernel}, " +
            $"{RuntimeInformation.FrameworkDescription}, PostgreSQL {postgres} on {server.Description}");
    }

    public void Describe(string book) => _book = book;

    /// <summary>The machine's load averages over 1, 5 and 15 minutes, as the kernel keeps them.</summary>
    private static string LoadAverages() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public void Add(ReportRow row) => _rows.Add(row);

    public void Note(string note) => _notes.Add(note);

    public void Mismatch(string mismatch) => _mismatches.Add(mismatch);

    public void Fail(string reason) => _failure = Shorten(reason, 1000);

    /// <summary>One line for a table cell or a paragraph; the run's output has the whole text.</summary>
    public static string Shorten(string text, int length)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= length ? line : line[..length] + " … (the run's output has the rest)";
    }

    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"## {plan.Section}");
        text.AppendLine();
        text.AppendLine($"- Machine: {machine}");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- Date: {_date:yyyy-MM-dd HH:mm} UTC"));
        _loadAtEnd ??= LoadAverages();
        text.AppendLine($"- Load averages (1, 5 and 15 minutes, other work included): {_loadAtStart} at the start, {_loadAtEnd} at the end");
        text.AppendLine($"- Size: {plan.Size.Name}, {_book}");
        text.AppendLine($"- Command: `{plan.Command}`");
        text.AppendLine();
        if (_failure is not null)
        {
            text.AppendLine($"**FAILED**: the run stopped before it finished; the rows below are what it measured. {_failure}");
            text.AppendLine();
        }

        foreach (var mismatch in _mismatches)
        {
            text.AppendLine($"**MISMATCH**: {mismatch}");
            text.AppendLine();
        }

        text.AppendLine("| scenario | figure | baseline | baseline figure | ratio | target | met? |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in _rows)
        {
            text.AppendLine("| " + string.Join(" | ", new[] { r.Scenario, r.Figure, r.Baseline, r.BaselineFigure, r.Ratio, r.Target, r.Met }
                .Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        text.AppendLine();
        foreach (var note in _notes)
        {
            text.AppendLine($"- {note}");
        }

        return text.ToString();
    }

    /// <summary>Writes this run's section into the report, keeping every other section as it was.</summary>
    public void WriteSection(string path)
    {
        var sections = File.Exists(path) ? Sections(File.ReadAllLines(path)) : [];
        sections[plan.Section] = Markdown().TrimEnd();

        var text = new StringBuilder();
        text.AppendLine(Title);
        text.AppendLine();
        text.AppendLine(Preamble);
        foreach (var name in sections.Keys.OrderBy(Place))
        {
            text.AppendLine();
            text.AppendLine(sections[name]);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// Each size's full run, then its partial runs; small before large, then everything else. Sections of the same place
    /// keep the order they have in the file, and a new one goes after them.
    /// </summary>
    private static int Place(string section) => section switch
    {
        "small" => 0,
        _ when section.StartsWith("small: ", StringComparison.Ordinal) => 1,
        "large" => 2,
        _ when section.StartsWith("large: ", StringComparison.Ordinal) => 3,
        _ => 4,
    };

    private static Dictionary<string, string> Sections(IReadOnlyList<string> lines)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith("## ", StringComparison.Ordinal))
            {
                continue;
            }

            var end = i + 1;
            while (end < lines.Count && !lines[end].StartsWith("## ", StringComparison.Ordinal))
            {
                end++;
            }

            sections[lines[i][3..].Trim()] = string.Join('\n', lines.Skip(i).Take(end - i)).TrimEnd();
            i = end - 1;
        }

        return sections;
    }

    private const string Preamble =
        """
        Written by `tests/CustomerSuccess.Metrics.Benchmarks`; a run rewrites the section of its own size. Run it on purpose
        (it is not a test) from the repository root:

        ```bash
        dotnet run -c Release --project tests/CustomerSuccess.Metrics.Benchmarks -- --size small   # a few minutes
        dotnet run -c Release --project tests/CustomerSuccess.Metrics.Benchmarks -- --size large   # every scenario on 1.9 million events
        dotnet run -c Release --project tests/CustomerSuccess.Metrics.Benchmarks -- --size large --only exports
        dotnet run -c Release --project tests/CustomerSuccess.Metrics.Benchmarks -- --size large --only queries   # 47 minutes on 2 busy cores
        ```

        `--only exports` and `--only queries` load the book over HTTP alone (no Marten or COPY path beside it) and run that
        scenario, and write their own section (`large: exports`, `large: queries`), leaving the full run's section as it was.

        It uses `ConnectionStrings__Marten` when set, else starts a throwaway PostgreSQL as the API does, and builds and starts
        the API in Release as a separate process. The machines these run on are shared and noisy, so every figure stands beside
        a baseline measured side by side in the same run: compare ratios between runs, not raw figures.

        - **1 Ingest**: the sample book in publish order, batches of 1,000, one at a time: (a) over HTTP to the API; (b) straight
          to Marten with the host's store configuration and inline projection, stamped per batch as the host stamps a request;
          (c) `COPY ... FROM STDIN (FORMAT BINARY)` of the same rows into a plain unindexed table.
        - **2 Queries**, on the book loaded by 1a, without `knownAt` and with the recordedAt of the middle batch: (a) naive live
          aggregation, reading the whole event table and replaying every customer by the definitions in C#; (b) the floor, the
          best hand-written SQL over flat, covering-indexed copies of the rows the figure needs: the movement rows for ARR, the
          bridge, the series and retention; the signal and customer-detail rows (and the movements) for NPS and the health
          distribution; the contract events, with when each was voided, for renewals due. Both must give the API's numbers
          exactly, or the section says **MISMATCH**.
        - **7 Exports**, on the book loaded by 1a, after the queries: answers streamed as they are read, each read in full as
          it arrives and counted, never held whole: (a) the churn audit of 2025 and (b) ARR as of 2025-06-30 taken apart, as
          JSON and CSV; (c) the whole event log as CSV, against the same columns written as CSV by PostgreSQL itself, and as
          JSON; (d) the API's resident set during each, against the second before it. Row counts and totals are checked
          against the store, the bridge and `/arr`, or the section says **MISMATCH**.
        - **3 Rebuild** of the projection as an operator runs it (`projections rebuild` on the host's command line, its own
          process, timed from start to exit), against a plain sequential read of the event table.
        - **4 Memory**: the API process's peak resident set (VmHWM) after everything above.
        - **5 Many small writers**: a book of its own sent one event a request by concurrent clients, against the same book
          in batches of 1,000, on the same API.
        - **6 Bus**, when a RabbitMQ broker is configured (`ConnectionStrings__RabbitMq`) or installed (a private node is
          started): a second API process reading a fresh queue. (a) A book of its own published one event a message by
          concurrent plain AMQP publishers, from the first publish until the last event reads back, against the same book
          over HTTP in batches of 1,000 to that API; (b) a steady stream with a marker among it, each marker timed from its
          publish until the API's figure for its customer shows it.
        """;
}
