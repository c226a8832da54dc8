using System.Text.Json.Nodes;
using NodaTime;

namespace CustomerSuccess.Metrics.Benchmarks;

internal enum ContractStepKind
{
    Open,
    Expand,
    Reduce,
    Renew,
    Close,
}

/// <summary>One event of a contract as known: what it does, by how much (the ARR it sets or moves), and the term end it starts.</summary>
internal sealed record ContractStep(string CustomerId, string ContractId, LocalDate Date, ContractStepKind Kind, decimal Amount, LocalDate? TermEnd);

internal enum TermOutcome
{
    Pending,
    Renewed,
    Churned,
}

/// <summary>A term that came due: when it ended, what became of it, the contract's ARR before, and the ARR it was renewed at.</summary>
internal sealed record DueTerm(string CustomerId, string ContractId, LocalDate TermEnd, TermOutcome Outcome, decimal Arr, decimal? RenewedArr);

/// <summary>Renewals due, by metrics.md "Renewals due".</summary>
internal static partial class Definitions
{
    public const int RenewalEarlyDays = 60;
    public const int RenewalLateDays = 30;

    /// <summary>
    /// Every term of one contract, from its events in effective order (then recorded order): a term runs to the term end of
    /// the opening or renewal that began it; it is renewed by a renewal from 60 days before to 30 days after its end, left
    /// pending by one later than that, replaced (not due) by one earlier, churned by a churn before its renewal, and pending
    /// while nothing decided it. The prior ARR is the contract's just before the deciding event, or now while pending.
    /// </summary>
    public static IEnumerable<DueTerm> Terms(IReadOnlyList<ContractStep> steps)
    {
        var (arr, termEnd, open) = (0m, (LocalDate?)null, false);
        foreach (var step in steps)
        {
            var before = arr;
            switch (step.Kind)
            {
                case ContractStepKind.Open:
                    (arr, termEnd, open) = (step.Amount, step.TermEnd, true);
                    break;
                case ContractStepKind.Expand:
                    arr += step.Amount;
                    break;
                case ContractStepKind.Reduce:
                    arr -= step.Amount;
                    break;
                case ContractStepKind.Renew:
                    if (termEnd is { } end && step.Date >= end.PlusDays(-RenewalEarlyDays))
                    {
                        yield return step.Date <= end.PlusDays(RenewalLateDays)
                            ? new DueTerm(step.CustomerId, step.ContractId, end, TermOutcome.Renewed, before, step.Amount)
                            : new DueTerm(step.CustomerId, step.ContractId, end, TermOutcome.Pending, before, null);
                    }

                    (arr, termEnd) = (step.Amount, step.TermEnd);
                    break;
                case ContractStepKind.Close:
                    if (open && termEnd is { } ending)
                    {
                        yield return new DueTerm(step.CustomerId, step.ContractId, ending, TermOutcome.Churned, before, null);
                    }

                    (arr, termEnd, open) = (0m, null, false);
                    break;
            }
        }

        if (open && termEnd is { } last && steps.Count > 0)
        {
            yield return new DueTerm(steps[0].CustomerId, steps[0].ContractId, last, TermOutcome.Pending, arr, null);
        }
    }

    /// <summary>
    /// The terms ending in [from, to], each with its outcome and ARR, and the rates of those decided: by count renewed /
    /// decided; gross Σ min(renewed ARR, prior ARR) / Σ prior ARR; net Σ renewed ARR / Σ prior ARR; null while none is decided.
    /// </summary>
    public static Figure Renewals(IEnumerable<IReadOnlyList<ContractStep>> contracts, LocalDate from, LocalDate to)
    {
        var due = contracts.SelectMany(Terms).Where(t => t.TermEnd >= from && t.TermEnd <= to).ToList();
        var renewed = due.Where(t => t.Outcome == TermOutcome.Renewed).ToList();
        var decided = due.Where(t => t.Outcome != TermOutcome.Pending).ToList();
        var prior = decided.Sum(t => t.Arr);
        decimal? Ratio(decimal numerator) => prior == 0m ? null : numerator / prior;

        var figure = new Figure()
            .Add("due", due.Count).Add("renewed", renewed.Count).Add("churned", decided.Count - renewed.Count).Add("pending", due.Count - decided.Count)
            .AddRate("renewalRateByCount", decided.Count == 0 ? null : (decimal)renewed.Count / decided.Count)
            .AddRate("grossRenewalRateByArr", Ratio(renewed.Sum(t => Math.Min(t.RenewedArr!.Value, t.Arr))))
            .AddRate("netRenewalRateByArr", Ratio(renewed.Sum(t => t.RenewedArr!.Value)));
        foreach (var term in due)
        {
            var key = $"{term.ContractId}@{term.TermEnd:yyyy-MM-dd}";
            figure.Add($"{key}.outcome", (int)term.Outcome).AddMoney($"{key}.arr", term.Arr)
                .Add($"{key}.renewedArr", term.RenewedArr is { } r ? Figure.Money(r) : null);
        }

        return figure;
    }

    public static Figure RenewalsFromApi(JsonNode body)
    {
        var figure = new Figure();
        foreach (var name in (string[])["due", "renewed", "churned", "pending", "renewalRateByCount", "grossRenewalRateByArr", "netRenewalRateByArr"])
        {
            figure.Add(name, Value(body, name));
        }

        foreach (var contract in body["contracts"]!.AsArray())
        {
            var key = $"{contract!["contractId"]!.GetValue<string>()}@{contract["termEndDate"]!.GetValue<string>()}";
            var outcome = contract["status"]!.GetValue<string>() switch
            {
                "renewed" => TermOutcome.Renewed,
                "churned" => TermOutcome.Churned,
                _ => TermOutcome.Pending,
            };
            figure.Add($"{key}.outcome", (int)outcome).Add($"{key}.arr", Value(contract, "arr")).Add($"{key}.renewedArr", Value(contract, "renewedArr"));
        }

        return figure;
    }
}
