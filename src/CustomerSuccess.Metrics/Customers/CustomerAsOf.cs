using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Ledger;
using Marten;
using NodaTime;

namespace CustomerSuccess.Metrics.Customers;

public static class CustomerStatus
{
    public const string Active = "active";
    public const string Churned = "churned";
    public const string NeverActive = "never_active";

    public static readonly IReadOnlyList<string> All = [Active, Churned, NeverActive];

    /// <summary>A customer with ARR at the end of the day is active; one that had ARR at the end of an earlier day has churned.</summary>
    public static string Of(decimal arr, bool everActive) =>
        arr > 0m ? Active
        : everActive ? Churned
        : NeverActive;
}

public static class ContractStatus
{
    public const string Active = "active";
    public const string Churned = "churned";
}

public sealed record ContractView(
    string ContractId, decimal Arr, LocalDate? TermEndDate, string Status, string? Product, LocalDate OpenedOn, LocalDate? ChurnedOn,
    string? ChurnReason);

public sealed record CustomerView(
    string CustomerId, string Status, decimal Arr, string? Name, string? Segment, string? Csm, string? ChurnReason,
    IReadOnlyList<ContractView> Contracts);

/// <summary>One customer's contracts and status at the end of <c>asOf</c>, as known at <c>knownAt</c>.</summary>
public sealed class CustomerAsOf(IDocumentStore store)
{
    public async Task<CustomerView?> QueryAsync(string customerId, LocalDate asOf, Instant knownAt, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var ledger = await CustomerStreams.LedgerAsync(session, customerId, cancellation).ConfigureAwait(false);
        return ledger is null || !ledger.HasAnythingKnownAt(knownAt) ? null : Build(ledger, asOf, knownAt);
    }

    public static CustomerView Build(CustomerLedger ledger, LocalDate asOf, Instant knownAt)
    {
        var effective = ledger.KnownTimeline(knownAt).TakeWhile(e => e.EffectiveDate <= asOf).ToList();
        var book = ContractBook.AsOf(effective, asOf);
        var everActive = Movements.Movement.Classify(effective).Any(m => m.LogoDelta > 0);
        var status = CustomerStatus.Of(book.TotalArr, everActive);

        // A churned customer has no open contract left: the last churn in effective order closed the customer.
        var churnReason = status == CustomerStatus.Churned
            ? effective.LastOrDefault(e => e.Change == ContractChange.Close)?.Reason
            : null;

        var contracts = book.Contracts
            .OrderBy(c => c.OpenedOn).ThenBy(c => c.ContractId, StringComparer.Ordinal)
            .Select(c => new ContractView(c.ContractId, c.Arr, c.TermEndDate,
                c.IsClosed ? ContractStatus.Churned : ContractStatus.Active, c.Product, c.OpenedOn, c.ClosedOn, c.ChurnReason))
            .ToList();

        return new CustomerView(ledger.Id, status, book.TotalArr, book.Name, book.Segment, book.Csm, churnReason, contracts);
    }
}
