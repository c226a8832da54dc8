using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Movements;
using CustomerSuccess.Metrics.Renewals;
using Marten;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Books;

/// <summary>One account of a CSM's book: the customer as of the date, and its ARR a year before.</summary>
public sealed record BookAccount(string CustomerId, string? Name, string? Segment, string Status, decimal Arr, decimal ArrYearBefore);

/// <summary>
/// A CSM's book of business as of a date: the customers whose CSM it is at the end of that day (the latest <c>csm</c>
/// sent with their events effective by then), their ARR, the renewals due in the next <see cref="BookOfBusiness.RenewalDays"/>
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

public sealed class BookOfBusiness(NpgsqlDataSource dataSource, ReadModelTables tables, IDocumentStore store)
{
    public const int RenewalDays = 90;

    /// <summary>The CSM's book, or null when no customer was ever given that CSM by an event recorded by <paramref name="knownAt"/>.</summary>
    public async Task<BookFigures?> QueryAsync(string csm, LocalDate asOf, Instant knownAt, CancellationToken cancellation)
    {
        var candidates = 0;
        var accounts = new List<BookAccount>();
        var renewals = new List<DueContract>();
        var yearBefore = asOf.PlusYears(-1);
        await foreach (var (_, ledger) in LedgerLookup.JoinAsync(store, CandidatesAsync(csm, knownAt, cancellation), c => c, cancellation).ConfigureAwait(false))
        {
            candidates++;
            var timeline = ledger.KnownTimeline(knownAt);
            var book = ContractBook.AsOf(timeline, asOf);
            if (book.Csm != csm)
            {
                continue;
            }

            var arrBefore = ContractBook.AsOf(timeline, yearBefore).TotalArr;
            var everActive = Movement.ClassifyDays(timeline).TakeWhile(d => d.Date <= asOf).Any(d => d.ArrAfter > 0m);
            accounts.Add(new BookAccount(ledger.Id, book.Name, book.Segment, CustomerStatus.Of(book.TotalArr, everActive), book.TotalArr, arrBefore));
            renewals.AddRange(RenewalsDue.Terms(ledger.Id, timeline).Where(t => t.TermEndDate > asOf && t.TermEndDate <= asOf.PlusDays(RenewalDays)));
        }

        return candidates == 0
            ? null
            : BookFigures.Of(
                [.. accounts.OrderBy(a => a.CustomerId, StringComparer.Ordinal)],
                [.. renewals.OrderBy(r => r.TermEndDate).ThenBy(r => r.CustomerId, StringComparer.Ordinal).ThenBy(r => r.ContractId, StringComparer.Ordinal)]);
    }

    /// <summary>The customers given this CSM by any event recorded by <paramref name="knownAt"/>; whether it is still theirs is read from their timelines.</summary>
    private IAsyncEnumerable<string> CandidatesAsync(string csm, Instant knownAt, CancellationToken cancellation) =>
        CustomerStreams.WithEventsAsync(dataSource, tables, null, knownAt, "e.data -> 'customer' ->> 'csm' = $3", [csm], cancellation);
}
