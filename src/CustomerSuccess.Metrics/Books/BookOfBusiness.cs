using System.Runtime.CompilerServices;
using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Movements;
using CustomerSuccess.Metrics.Renewals;
using CustomerSuccess.Metrics.Signals;
using CustomerSuccess.Metrics.Events;
using Marten;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Books;

/// <summary>One account of a CSM's book: the customer as of the date, and its ARR a year before.</summary>
public sealed record BookAccount(string CustomerId, string? Name, string? Segment, string Status, decimal Arr, decimal ArrYearBefore);

/// <summary>
/// A CSM's book of business as of a date: the customers whose CSM it is at the end of that day (the latest <c>csm</c>
/// sent with their events or by an assignment effective by then, see <see cref="Accounts"/>), their ARR, the renewals due in the next <see cref="BookOfBusiness.RenewalDays"/>
/// days, and the retention over the twelve months to the date of the accounts that were active at their start.
/// </summary>
public sealed record BookFigures(
    IReadOnlyList<BookAccount> Accounts,
    IReadOnlyList<DueContract> RenewalsDue,
    int CohortCustomers,
    decimal OpeningArr,
    decimal ClosingArr,
    decimal? GrossRenewalRate,
    decimal? NetRenewalRate,
    decimal? LogoRetention)
{
    public int ActiveAccounts => Accounts.Count(a => a.Arr > 0m);

    public decimal Arr => Accounts.Sum(a => a.Arr);

    public static BookFigures Of(IReadOnlyList<BookAccount> accounts, IReadOnlyList<DueContract> renewals)
    {
        var cohort = accounts.Where(a => a.ArrYearBefore > 0m).ToList();
        var opening = cohort.Sum(a => a.ArrYearBefore);
        decimal? Ratio(decimal numerator, decimal denominator) => denominator == 0m ? null : numerator / denominator;
        return new BookFigures(
            accounts, renewals, cohort.Count, opening, cohort.Sum(a => a.Arr), Ratio(cohort.Sum(a => Math.Min(a.Arr, a.ArrYearBefore)), opening),
            Ratio(cohort.Sum(a => a.Arr), opening), cohort.Count == 0 ? null : (decimal)cohort.Count(a => a.Arr > 0m) / cohort.Count);
    }
}

public sealed class BookOfBusiness(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    public const int RenewalDays = 90;

    /// <summary>The CSM's book, or null when no customer was ever given that CSM by an event recorded by <paramref name="knownAt"/>.</summary>
    public async Task<BookFigures?> QueryAsync(string csm, LocalDate asOf, Instant knownAt, CancellationToken cancellation)
    {
        if (!await WasEverGivenAsync(csm, knownAt, cancellation).ConfigureAwait(false))
        {
            return null;
        }

        var accounts = new List<BookAccount>();
        var renewals = new List<DueContract>();
        var yearBefore = asOf.PlusYears(-1);
        var owned = $"with {Accounts.Cte(tables, "@asOf")} select customer_id from accounts where csm = @csm";
        var timelines = new Dictionary<string, IReadOnlyList<TimelineEntry>>(StringComparer.Ordinal);
        await foreach (var (customerId, timeline) in ContractEventRows.TimelinesAsync(dataSource, tables, owned, Parameters(csm, asOf, knownAt), cancellation)
                           .ConfigureAwait(false))
        {
            timelines[customerId] = timeline;
        }

        // An account assigned before any contract has no timeline: a prospect, with no ARR.
        await foreach (var customerId in OwnedAsync(owned, csm, asOf, knownAt, cancellation).ConfigureAwait(false))
        {
            var timeline = timelines.GetValueOrDefault(customerId) ?? [];
            var book = ContractBook.AsOf(timeline, asOf);
            var arrBefore = ContractBook.AsOf(timeline, yearBefore).TotalArr;
            var everActive = Movement.ClassifyDays(timeline).TakeWhile(d => d.Date <= asOf).Any(d => d.ArrAfter > 0m);
            accounts.Add(new BookAccount(customerId, book.Name, book.Segment, CustomerStatus.Of(book.TotalArr, everActive), book.TotalArr, arrBefore));
            renewals.AddRange(RenewalsDue.Terms(customerId, timeline).Where(t => t.TermEndDate > asOf && t.TermEndDate <= asOf.PlusDays(RenewalDays)));
        }

        return BookFigures.Of(
                [.. accounts.OrderBy(a => a.CustomerId, StringComparer.Ordinal)],
                [.. renewals.OrderBy(r => r.TermEndDate).ThenBy(r => r.CustomerId, StringComparer.Ordinal).ThenBy(r => r.ContractId, StringComparer.Ordinal)]);
    }

    /// <summary>The customers the CSM owns at the end of the date (<see cref="Accounts"/>), in id order.</summary>
    private async IAsyncEnumerable<string> OwnedAsync(
        string owned, string csm, LocalDate asOf, Instant knownAt, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var command = dataSource.CreateCommand($"{owned} order by customer_id collate \"C\"");
        command.Parameters.AddRange(Parameters(csm, asOf, knownAt));
        await foreach (var id in ReaderRows.ReadAsync(command, r => r.GetString(0), cancellation).ConfigureAwait(false))
        {
            yield return id;
        }
    }

    private static NpgsqlParameter[] Parameters(string csm, LocalDate asOf, Instant knownAt) =>
        [new("csm", csm), new("asOf", asOf), new("knownAt", knownAt)];

    /// <summary>Whether an event recorded by the instant gave any customer this CSM, with a contract event or an assignment.</summary>
    private async Task<bool> WasEverGivenAsync(string csm, Instant knownAt, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"select exists (select 1 from {tables.CustomerDetails} d where d.csm = @csm and d.known_from <= @knownAt) " +
            $"or exists (select 1 from {tables.Signals} s where s.type = '{EventTypeNames.CustomerAssigned}' and s.csm = @csm and s.known_from <= @knownAt)");
        command.Parameters.AddWithValue("csm", csm);
        command.Parameters.AddWithValue("knownAt", knownAt);
        return (bool)(await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false))!;
    }
}
