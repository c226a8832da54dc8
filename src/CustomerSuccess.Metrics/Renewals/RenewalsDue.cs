using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Renewals;

public static class RenewalStatus
{
    public const string Renewed = "renewed";
    public const string Churned = "churned";
    public const string Pending = "pending";
}

/// <summary>
/// A contract term that ends in the period asked about, and what became of it. <see cref="Arr"/> is the contract's ARR
/// just before its renewal or churn (for a pending one, its ARR now); <see cref="RenewedArr"/> the ARR it was renewed at.
/// </summary>
/// <param name="Segment">The customer's segment once the term was decided (for a pending term, its latest).</param>
/// <param name="DecidedOn">The effective date of the renewal or churn; null while pending.</param>
/// <param name="EventId">The renewal or churn; null while pending.</param>
public sealed record DueContract(
    string CustomerId,
    string ContractId,
    string? Segment,
    LocalDate TermEndDate,
    string Status,
    decimal Arr,
    decimal? RenewedArr,
    LocalDate? DecidedOn,
    string? EventId);

/// <summary>The contracts due in a period, and the renewal rates of those decided.</summary>
public sealed record RenewalFigures(
    IReadOnlyList<DueContract> Contracts,
    int Renewed,
    int Churned,
    int Pending,
    decimal? RenewalRateByCount,
    decimal? GrossRenewalRateByArr,
    decimal? NetRenewalRateByArr)
{
    public static RenewalFigures Of(IReadOnlyList<DueContract> contracts)
    {
        var renewed = contracts.Where(c => c.Status == RenewalStatus.Renewed).ToList();
        var decided = contracts.Where(c => c.Status != RenewalStatus.Pending).ToList();
        var priorArr = decided.Sum(c => c.Arr);
        decimal? Ratio(decimal numerator, decimal denominator) => denominator == 0m ? null : numerator / denominator;
        return new RenewalFigures(
            contracts, renewed.Count, decided.Count - renewed.Count, contracts.Count - decided.Count,
            decided.Count == 0 ? null : (decimal)renewed.Count / decided.Count,
            Ratio(renewed.Sum(c => Math.Min(c.RenewedArr!.Value, c.Arr)), priorArr),
            Ratio(renewed.Sum(c => c.RenewedArr!.Value), priorArr));
    }
}

/// <summary>
/// Renewals due: each contract term whose end falls in [from, to], as known at an instant. A term is renewed by a
/// renewal of its contract effective from <see cref="EarlyDays"/> days before to <see cref="LateDays"/> days after its
/// end; churned when the contract churns before such a renewal; otherwise pending. A renewal more than
/// <see cref="EarlyDays"/> days early replaces the term before it comes due, so that term is not due at all; one more
/// than <see cref="LateDays"/> days late leaves the term pending and starts the next.
/// </summary>
public sealed class RenewalsDue(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    public const int EarlyDays = 60;
    public const int LateDays = 30;

    public async Task<RenewalFigures> QueryAsync(
        LocalDate from, LocalDate to, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var due = new List<DueContract>();
        // Only an event that carries a term end sets one: the customers with such an event in [from, to] hold every term due.
        await foreach (var (customerId, timeline) in ContractEventRows.TimelinesAsync(
                           dataSource, tables,
                           $"select c.customer_id from {tables.ContractEvents} c where c.term_end between @from and @to and {ReadModelTables.Believed("c")}",
                           [new("from", from), new("to", to), new("knownAt", knownAt)], cancellation).ConfigureAwait(false))
        {
            due.AddRange(Terms(customerId, timeline)
                .Where(c => c.TermEndDate >= from && c.TermEndDate <= to && (segment is null || c.Segment == segment)));
        }

        return RenewalFigures.Of([.. due.OrderBy(c => c.TermEndDate).ThenBy(c => c.CustomerId, StringComparer.Ordinal)
            .ThenBy(c => c.ContractId, StringComparer.Ordinal)]);
    }

    /// <summary>Every term of the customer's contracts that came due or is yet to, with its outcome.</summary>
    public static IEnumerable<DueContract> Terms(string customerId, IReadOnlyList<TimelineEntry> effectiveOrdered)
    {
        var book = new ContractBook();
        var open = new Dictionary<string, LocalDate?>(StringComparer.Ordinal);
        foreach (var entry in effectiveOrdered)
        {
            var arrBefore = book.Contracts.FirstOrDefault(c => c.ContractId == entry.ContractId)?.Arr ?? 0m;
            var termEnd = open.GetValueOrDefault(entry.ContractId);
            book.Apply(entry);
            DueContract Term(string status, decimal? renewedArr, LocalDate? decidedOn, string? eventId) =>
                new(customerId, entry.ContractId, book.Segment, termEnd!.Value, status, arrBefore, renewedArr, decidedOn, eventId);

            switch (entry.Change)
            {
                case ContractChange.Open:
                    open[entry.ContractId] = entry.TermEndDate;
                    break;
                case ContractChange.Renew:
                    if (termEnd is { } end && entry.EffectiveDate >= end.PlusDays(-EarlyDays))
                    {
                        yield return entry.EffectiveDate <= end.PlusDays(LateDays)
                            ? Term(RenewalStatus.Renewed, entry.Amount, entry.EffectiveDate, entry.EventId)
                            : Term(RenewalStatus.Pending, null, null, null);
                    }

                    open[entry.ContractId] = entry.TermEndDate;
                    break;
                case ContractChange.Close:
                    if (open.Remove(entry.ContractId) && termEnd is not null)
                    {
                        yield return Term(RenewalStatus.Churned, null, entry.EffectiveDate, entry.EventId);
                    }

                    break;
            }
        }

        foreach (var (contractId, termEnd) in open)
        {
            if (termEnd is { } end)
            {
                var contract = book.Contracts.First(c => c.ContractId == contractId);
                yield return new DueContract(customerId, contractId, book.Segment, end, RenewalStatus.Pending, contract.Arr, null, null, null);
            }
        }
    }
}
