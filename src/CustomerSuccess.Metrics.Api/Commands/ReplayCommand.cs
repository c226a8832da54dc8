using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Recording;
using CustomerSuccess.Metrics.Replay;
using JasperFx.CommandLine;
using Marten;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Api.Commands;

/// <summary>The actions, named in lower case as they are typed on the command line.</summary>
public enum ReplayAction
{
    verify,
    customer,
}

/// <summary>How <c>replay customer</c> prints, named in lower case as typed.</summary>
public enum ReplayFormat
{
    text,
    json,
}

public sealed class ReplayInput : NetCoreInput
{
    [Description("verify: replay the whole event log into a scratch schema and compare its read models and figures with the live ones; " +
                 "customer: print one customer's state after each of its events")]
    public ReplayAction Action { get; set; } = ReplayAction.verify;

    [Description("customer: the id of the customer")]
    public string Id { get; set; } = "";

    [Description("customer: text (default), tab-separated lines, or json")]
    [FlagAlias("format", true)]
    public ReplayFormat FormatFlag { get; set; } = ReplayFormat.text;
}

/// <summary>
/// The event log replayed, from the operator's command line, against the configured database without starting the
/// host. <c>replay verify</c> replays the whole log into a scratch schema and prints every difference between its read
/// models and figures and the live ones, exiting with 1 when there is any. <c>replay customer &lt;id&gt;</c> prints one
/// customer's state after each of its events, in effective and in recorded order, exiting with 1 for an unknown customer.
/// </summary>
[Description("Replay the event log: verify the read models and figures against a fresh replay, or show one customer event by event",
    Name = "replay")]
public sealed class ReplayCommand : JasperFxAsyncCommand<ReplayInput>
{
    public ReplayCommand()
    {
        Usage("Replay the whole event log into a scratch schema and compare every read-model row and published figure").Arguments(x => x.Action);
        Usage("Print one customer's state after each of its events, in effective and in recorded order").Arguments(x => x.Action, x => x.Id);
    }

    public override async Task<bool> Execute(ReplayInput input)
    {
        // The arguments are read before the database is touched.
        if (input.Action == ReplayAction.verify && input.Id.Length > 0)
        {
            return Fail($"replay verify takes no id ('{input.Id}'); show one customer with replay customer <id>.");
        }

        if (input.Action == ReplayAction.customer && input.Id.Length == 0)
        {
            return Fail("Name the customer: replay customer <id> [--format text|json].");
        }

        using var host = input.BuildHost();
        var services = host.Services;
        // As the host does when it starts: a store never started yet, or last started by an earlier version, is brought up to date.
        var store = services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return input.Action == ReplayAction.verify
            ? await VerifyAsync(services.GetRequiredService<ReadModelVerification>())
            : await CustomerAsync(store, input.Id, input.FormatFlag);
    }

    private static async Task<bool> VerifyAsync(ReadModelVerification verification)
    {
        Console.WriteLine(
            $"Comparing {ReadModelComparison.Tables.Count} read-model tables row by row: " +
            string.Join(", ", ReadModelComparison.Tables.Select(t => t.Name)) + ".");
        Console.WriteLine("Not compared: " + string.Join("; ", ReadModelComparison.NotCompared.Select(n =>
            $"{n.Table}{(n.Column is null ? "" : "." + n.Column)} ({n.Why})")) + ".");
        VerificationSummary summary;
        try
        {
            summary = await verification.RunAsync(
                row => Console.WriteLine($"row\t{row.Table}\t{row.Key}\t{row.Column ?? "(row)"}\tlive: {row.Live}\treplayed: {row.Replayed}"),
                figure => Console.WriteLine($"figure\t{figure.Figure}\t{figure.Query}\t{figure.Field}\tlive: {figure.Live}\treplayed: {figure.Replayed}"),
                CancellationToken.None);
        }
        catch (ReadModelsOutdatedException e)
        {
            return Fail(e.Message);
        }

        var rows = summary.RowDifferences.Values.Sum();
        var byTable = string.Join(", ", summary.RowDifferences.Where(t => t.Value > 0).Select(t => $"{t.Key} {t.Value:N0}"));
        Console.WriteLine(
            $"Replayed {summary.Replayed.Events:N0} events (to sequence {summary.Replayed.LastSequence:N0}) into {summary.ScratchSchema}, since dropped; " +
            $"compared {ReadModelComparison.Tables.Count} tables and {summary.FiguresCompared:N0} figures.");
        if (summary.RecordedMeanwhile != 0)
        {
            Console.WriteLine(
                $"{summary.RecordedMeanwhile:N0} events were recorded while verifying, so the live read models moved on from the log replayed: " +
                "run replay verify again while nothing is being recorded.");
        }

        Console.WriteLine(summary.Differences == 0
            ? "Summary: no differences: every read-model row and figure matches the replay."
            : $"Summary: {summary.Differences:N0} differences: {rows:N0} in read-model rows{(rows > 0 ? $" ({byTable})" : "")}, " +
              $"{summary.FigureDifferences:N0} in figures.");
        return summary.Differences == 0 && summary.RecordedMeanwhile == 0;
    }

    private static async Task<bool> CustomerAsync(IDocumentStore store, string customerId, ReplayFormat format)
    {
        CustomerLedger? ledger;
        await using (var session = store.QuerySession())
        {
            ledger = !StreamKeys.IsCustomer(customerId)
                ? null
                : await CustomerStreams.LedgerAsync(session, customerId, CancellationToken.None);
        }

        if (ledger is null || ledger.Entries.Count == 0)
        {
            return Fail($"No customer '{customerId}' is recorded: it has no events.");
        }

        var (effective, recorded) = (CustomerReplay.InEffectiveOrder(ledger), CustomerReplay.InRecordedOrder(ledger));
        if (format == ReplayFormat.json)
        {
            var options = MetricsStore.ConfigureJson(new JsonSerializerOptions { WriteIndented = true });
            options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            Console.WriteLine(JsonSerializer.Serialize(new { customerId, effectiveOrder = effective, recordedOrder = recorded }, options));
            return true;
        }

        Console.WriteLine(
            $"Customer {customerId}: {ledger.Entries.Count:N0} contract events, {ledger.Voids.Count:N0} voided; arr is the customer's ARR " +
            "just after the event at its place in the timeline, movement the kinds of its day's movements that name it.");
        Print("In effective order (the order the figures use):", effective);
        Print("In recorded order (as the store learnt it):", recorded);
        return true;
    }

    private static void Print(string heading, IReadOnlyList<CustomerStep> steps)
    {
        Console.WriteLine();
        Console.WriteLine(heading);
        Console.WriteLine("eventId\ttype\teffectiveDate\trecordedAt\tcontractId\tarr\tstatus\tmovement\tvoided");
        foreach (var s in steps)
        {
            var voided = s.VoidedEventId is { } target ? $"voids {target}" : s.VoidedBy is { } by ? $"voided by {by}" : "-";
            Console.WriteLine(string.Join('\t',
                s.EventId, s.Type, s.EffectiveDate is { } date ? LocalDatePattern.Iso.Format(date) : "-",
                InstantPattern.ExtendedIso.Format(s.RecordedAt), s.ContractId ?? "-",
                s.Arr.ToString("0.############################", CultureInfo.InvariantCulture), s.Status,
                s.Movements.Count == 0 ? "-" : string.Join('+', s.Movements), voided));
        }
    }

    private static bool Fail(string message)
    {
        Console.Error.WriteLine(message);
        return false;
    }
}
