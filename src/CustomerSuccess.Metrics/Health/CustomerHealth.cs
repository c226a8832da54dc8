using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Movements;
using Marten;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Health;

public static class LifecycleStages
{
    public const string Prospect = "prospect";
    public const string Onboarding = "onboarding";
    public const string Adopted = "adopted";
    public const string Renewal = "renewal";
    public const string Churned = "churned";
}

/// <summary>
/// Days from the first signing to the first usage report at or above the adoption target; null while not reached.
/// <see cref="OnboardedInTime"/> says whether it was reached within the onboarding days, null while that is still open.
/// </summary>
public sealed record TimeToValue(LocalDate? FirstSigned, LocalDate? AdoptedOn, int? Days, bool? OnboardedInTime);

public sealed record HealthPoint(LocalDate Date, decimal Score, string Band);

/// <summary>A contract open on the date whose term ends within the renewal window after it.</summary>
public sealed record TermEnding(string ContractId, LocalDate TermEndDate);

public sealed record CustomerHealthReport(
    HealthFacts Facts, HealthResult Health, string Stage, TimeToValue TimeToValue, IReadOnlyList<TermEnding> TermEndsSoon,
    IReadOnlyList<HealthPoint> History);

/// <summary>
/// One customer's health as of a date and as known at an instant: its score with every input's contribution, its
/// lifecycle stage, its time to value, and its score at the end of each of the twelve months before.
/// </summary>
public sealed class CustomerHealth(NpgsqlDataSource dataSource, ReadModelTables tables, HealthFactsReader facts, IDocumentStore store)
{
    public const int HistoryMonths = 12;

    /// <summary>Null when nothing about the customer was known at the instant.</summary>
    public async Task<CustomerHealthReport?> QueryAsync(string customerId, LocalDate asOf, Instant knownAt, CancellationToken cancellation)
    {
        var model = facts.Model;
        var known = (await facts.ReadAsync(asOf, knownAt, customerId, cancellation).ConfigureAwait(false)).GetValueOrDefault(customerId);
        var (firstSigned, tenureStart) = await TenureAsync(customerId, asOf, knownAt, cancellation).ConfigureAwait(false);
        if (known is null && !await IsKnownAsync(customerId, knownAt, cancellation).ConfigureAwait(false))
        {
            return null;
        }

        known ??= new HealthFacts(customerId, null, null, null, null, null, [], [], 0m, 0m);
        var health = HealthScore.Compute(known, asOf, model);
        var adoptedOn = firstSigned is { } signed ? await FirstAdoptedAsync(customerId, signed, asOf, knownAt, cancellation).ConfigureAwait(false) : null;
        var timeToValue = TimeToValueOf(firstSigned, adoptedOn, asOf, model);
        var termEnds = await TermEndsSoonAsync(customerId, asOf, knownAt, model, cancellation).ConfigureAwait(false);
        var adoptedThisTenure = tenureStart is { } start && await FirstAdoptedAsync(customerId, start, asOf, knownAt, cancellation).ConfigureAwait(false) is not null;
        var stage = known.Arr <= 0m ? (firstSigned is null ? LifecycleStages.Prospect : LifecycleStages.Churned)
            : termEnds.Count > 0 ? LifecycleStages.Renewal
            : !adoptedThisTenure && tenureStart is { } begun && asOf < begun.PlusDays(model.OnboardingDays) ? LifecycleStages.Onboarding
            : LifecycleStages.Adopted;

        var history = new List<HealthPoint>();
        for (var month = 1; month <= HistoryMonths; month++)
        {
            var date = asOf.PlusMonths(-month).With(DateAdjusters.EndOfMonth);
            var then = (await facts.ReadAsync(date, knownAt, customerId, cancellation).ConfigureAwait(false)).GetValueOrDefault(customerId);
            if (then is not null)
            {
                var result = HealthScore.Compute(then, date, model);
                history.Add(new HealthPoint(date, result.Score, result.Band));
            }
        }

        return new CustomerHealthReport(known, health, stage, timeToValue, termEnds, history);
    }

    public static TimeToValue TimeToValueOf(LocalDate? firstSigned, LocalDate? adoptedOn, LocalDate asOf, HealthModel model)
    {
        if (firstSigned is not { } signed)
        {
            return new TimeToValue(null, null, null, null);
        }

        int? days = adoptedOn is { } on ? Period.Between(signed, on, PeriodUnits.Days).Days : null;
        bool? inTime = days is { } d ? d <= model.OnboardingDays
            : asOf >= signed.PlusDays(model.OnboardingDays) ? false
            : null;
        return new TimeToValue(signed, adoptedOn, days, inTime);
    }

    /// <summary>The first day ARR was gained, and the start of the latest time it was gained (a new or returning customer).</summary>
    private async Task<(LocalDate? First, LocalDate? Latest)> TenureAsync(string customerId, LocalDate asOf, Instant knownAt, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"select min(m.movement_date), max(m.movement_date) from {tables.Movements} m where m.customer_id = @customer " +
            $"and m.kind in ('{MovementKinds.New}', '{MovementKinds.Reactivation}') and m.movement_date <= @asOf and {ReadModelTables.Believed("m")}");
        Parameters(command, customerId, asOf, knownAt);
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        await reader.ReadAsync(cancellation).ConfigureAwait(false);
        return reader.IsDBNull(0) ? (null, null) : (reader.GetFieldValue<LocalDate>(0), reader.GetFieldValue<LocalDate>(1));
    }

    /// <summary>Whether any contract or signal event about the customer was recorded by the instant.</summary>
    private async Task<bool> IsKnownAsync(string customerId, Instant knownAt, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"select exists (select 1 from {tables.Customers} c where c.customer_id = @customer and c.known_from <= @knownAt) " +
            $"or exists (select 1 from {tables.Signals} s where s.customer_id = @customer and s.known_from <= @knownAt)");
        command.Parameters.AddWithValue("customer", customerId);
        command.Parameters.AddWithValue("knownAt", knownAt);
        return (bool)(await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false))!;
    }

    /// <summary>The first usage report from <paramref name="from"/> to the date whose adoption reaches the target.</summary>
    private async Task<LocalDate?> FirstAdoptedAsync(string customerId, LocalDate from, LocalDate asOf, Instant knownAt, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"select min(s.effective_date) from {tables.Signals} s where s.customer_id = @customer and s.type = '{EventTypeNames.UsageReported}' " +
            $"and s.effective_date between @from and @asOf and s.active_users >= s.licensed_seats * @target and {ReadModelTables.Believed("s")}");
        Parameters(command, customerId, asOf, knownAt);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("target", facts.Model.AdoptionTarget);
        var value = await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false);
        return value is LocalDate date ? date : null;
    }

    /// <summary>The term ends, within the renewal window after the date, of the customer's contracts open on the date.</summary>
    private async Task<IReadOnlyList<TermEnding>> TermEndsSoonAsync(
        string customerId, LocalDate asOf, Instant knownAt, HealthModel model, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var ledger = await CustomerStreams.LedgerAsync(session, customerId, cancellation).ConfigureAwait(false);
        if (ledger is null)
        {
            return [];
        }

        var book = ContractBook.AsOf(ledger.KnownTimeline(knownAt), asOf);
        return [.. book.Contracts
            .Where(c => !c.IsClosed && c.TermEndDate is { } end && end >= asOf && end <= asOf.PlusDays(model.RenewalWindowDays))
            .Select(c => new TermEnding(c.ContractId, c.TermEndDate!.Value))
            .OrderBy(t => t.TermEndDate)];
    }

    private static void Parameters(NpgsqlCommand command, string customerId, LocalDate asOf, Instant knownAt)
    {
        command.Parameters.AddWithValue("customer", customerId);
        command.Parameters.AddWithValue("asOf", asOf);
        command.Parameters.AddWithValue("knownAt", knownAt);
    }
}
