using CustomerSuccess.Metrics.Events;
using System.Text.Json.Serialization;
using NodaTime;

namespace CustomerSuccess.Metrics.Contracts;

public sealed record ContractPosition(
    string ContractId,
    decimal Arr,
    string OpenedBy,
    LocalDate OpenedOn,
    LocalDate? TermEndDate,
    string? Product,
    LocalDate? ClosedOn,
    string? ChurnReason)
{
    [JsonIgnore]
    public bool IsClosed => ClosedOn is not null;
}

/// <summary>A <see cref="ContractBook"/> at rest: what it takes to carry on applying entries later.</summary>
public sealed record BookState(IReadOnlyList<ContractPosition> Contracts, string? Name, string? Segment, string? Csm)
{
    public static readonly BookState Empty = new([], null, null, null);
}

/// <summary>
/// A customer's contracts as a running state machine: entries are applied in effective order and
/// every rule of the contract lifecycle is checked on the way. Pure and in memory.
/// </summary>
public sealed class ContractBook
{
    private readonly Dictionary<string, ContractPosition> _contracts = new(StringComparer.Ordinal);

    public ContractBook()
    {
    }

    public ContractBook(BookState state)
    {
        foreach (var contract in state.Contracts)
        {
            _contracts[contract.ContractId] = contract;
            TotalArr += contract.Arr;
        }

        Name = state.Name;
        Segment = state.Segment;
        Csm = state.Csm;
    }

    public IReadOnlyCollection<ContractPosition> Contracts => _contracts.Values;

    public decimal TotalArr { get; private set; }

    public string? Name { get; private set; }

    public string? Segment { get; private set; }

    public string? Csm { get; private set; }

    public BookState State() => new([.. _contracts.Values], Name, Segment, Csm);

    /// <summary>Why this entry cannot apply to the current state, or null when it can.</summary>
    public string? Violation(TimelineEntry entry)
    {
        _contracts.TryGetValue(entry.ContractId, out var contract);
        if (entry.Change == ContractChange.Open)
        {
            if (contract is not null)
            {
                return $"contract '{entry.ContractId}' already exists";
            }

            return entry.RequiresExistingCustomer && _contracts.Count == 0
                ? $"a cross-sell needs an existing customer, but '{entry.ContractId}' would be the customer's first contract; use contract.signed"
                : null;
        }

        if (contract is null)
        {
            return $"contract '{entry.ContractId}' has not been signed on or before {entry.EffectiveDate:yyyy-MM-dd}";
        }

        if (contract.IsClosed)
        {
            return $"contract '{entry.ContractId}' was churned on {contract.ClosedOn:yyyy-MM-dd} and is closed";
        }

        return entry.Change == ContractChange.Reduce && entry.Amount >= contract.Arr
            ? $"a decrease of {entry.Amount} would leave contract '{entry.ContractId}' at or below 0 (its ARR is {contract.Arr})"
            : null;
    }

    /// <summary>Applies a valid entry; an entry that violates the lifecycle is refused with the reason.</summary>
    public string? Apply(TimelineEntry entry)
    {
        var violation = Violation(entry);
        if (violation is not null)
        {
            return violation;
        }

        _contracts.TryGetValue(entry.ContractId, out var current);
        var next = entry.Change switch
        {
            ContractChange.Open => new ContractPosition(entry.ContractId, entry.Amount, entry.EventId, entry.EffectiveDate,
                entry.TermEndDate, entry.Product, null, null),
            ContractChange.Expand => current! with { Arr = current.Arr + entry.Amount },
            ContractChange.Reduce => current! with { Arr = current.Arr - entry.Amount },
            ContractChange.Renew => current! with { Arr = entry.Amount, TermEndDate = entry.TermEndDate },
            ContractChange.Close => current! with { Arr = 0m, ClosedOn = entry.EffectiveDate, ChurnReason = entry.Reason },
            _ => throw new ArgumentOutOfRangeException(nameof(entry), entry.Change, "Unknown contract change"),
        };

        TotalArr += next.Arr - (current?.Arr ?? 0m);
        _contracts[entry.ContractId] = next;
        ApplyDetails(entry.Customer);
        return null;
    }

    private void ApplyDetails(CustomerDetails? details)
    {
        if (details is null)
        {
            return;
        }

        Name = details.Name ?? Name;
        Segment = details.Segment ?? Segment;
        Csm = details.Csm ?? Csm;
    }

    /// <summary>The book after every entry effective on or before <paramref name="asOf"/>.</summary>
    public static ContractBook AsOf(IEnumerable<TimelineEntry> effectiveOrdered, LocalDate asOf)
    {
        var book = new ContractBook();
        foreach (var entry in effectiveOrdered.TakeWhile(e => e.EffectiveDate <= asOf))
        {
            book.Apply(entry);
        }

        return book;
    }

    /// <summary>The first entry, in effective order, that the lifecycle rules refuse.</summary>
    public static (TimelineEntry Entry, string Reason)? FirstViolation(IEnumerable<TimelineEntry> effectiveOrdered)
    {
        var book = new ContractBook();
        foreach (var entry in effectiveOrdered)
        {
            var violation = book.Apply(entry);
            if (violation is not null)
            {
                return (entry, violation);
            }
        }

        return null;
    }
}
