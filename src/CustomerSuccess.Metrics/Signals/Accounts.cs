using CustomerSuccess.Metrics.Ledger;

namespace CustomerSuccess.Metrics.Signals;

/// <summary>
/// Who each customer is as of a date, as known at an instant: its segment, its CSM and its touch model. The CSM is the
/// latest given, by effective date, either with a contract event (<c>customer.csm</c>) or by <c>customer.assigned</c>;
/// on the same day the assignment wins. The touch model is the latest assignment's.
/// </summary>
public static class Accounts
{
    /// <summary>Rows of the customer <c>@customer</c>, or of every customer when it is null.</summary>
    public static string One(string alias) => $"(@customer::varchar is null or {alias}.customer_id = @customer)";

    /// <summary>
    /// SQL common table expressions ending in <c>accounts(customer_id, segment, csm, touch_model)</c>: every customer with
    /// details or an assignment effective by <paramref name="asOfParameter"/>, as known at <c>@knownAt</c>; only the
    /// customer <c>@customer</c> when <paramref name="oneCustomer"/> and it is not null.
    /// </summary>
    public static string Cte(ReadModelTables tables, string asOfParameter, bool oneCustomer = false) =>
        $"""
        details as (
            select d.customer_id, d.effective_date, d.segment, d.csm,
                   lag(d.csm) over (partition by d.customer_id order by d.effective_date) as csm_before,
                   row_number() over (partition by d.customer_id order by d.effective_date desc) as latest
            from {tables.CustomerDetails} d
            where d.effective_date <= {asOfParameter} and {ReadModelTables.Believed("d")}{(oneCustomer ? $" and {One("d")}" : "")}),
        contract_csm as (
            select distinct on (customer_id) customer_id, effective_date, csm
            from details where csm is not null and csm is distinct from csm_before
            order by customer_id, effective_date desc),
        assigned as (
            select distinct on (s.customer_id) s.customer_id, s.effective_date, s.csm, s.scale as touch_model
            from {tables.Signals} s
            where s.type = 'customer.assigned' and s.effective_date <= {asOfParameter} and {ReadModelTables.Believed("s")}{(oneCustomer ? $" and {One("s")}" : "")}
            order by s.customer_id, s.effective_date desc, s.sequence desc),
        accounts as (
            select ids.customer_id, seg.segment,
                   case when a.customer_id is null then c.csm
                        when c.customer_id is null or a.effective_date >= c.effective_date then a.csm
                        else c.csm end as csm,
                   a.touch_model
            from (select customer_id from details union select customer_id from assigned) ids
            left join details seg on seg.customer_id = ids.customer_id and seg.latest = 1
            left join contract_csm c on c.customer_id = ids.customer_id
            left join assigned a on a.customer_id = ids.customer_id)
        """;
}
