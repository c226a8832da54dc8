using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Customers;

public sealed record CustomerSummary(string CustomerId, string? Name, string? Segment, string Status, decimal Arr);

public sealed record CustomerPage(IReadOnlyList<CustomerSummary> Customers, int Total);

/// <summary>
/// Every customer known at <c>knownAt</c> with its name, segment, status and ARR at the end of <c>asOf</c>, a page at a
/// time in customer id order (ordinal). Read from the projection's tables: a customer's ARR is the sum of its movements
/// believed at <c>knownAt</c> up to <c>asOf</c>, so the list adds up to the ARR figure, and it has churned when it has
/// such movements but no ARR left.
/// </summary>
public sealed class CustomerList(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    public async Task<CustomerPage> QueryAsync(
        LocalDate asOf, Instant knownAt, string? segment, string? status, int offset, int limit, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(segment is null && status is null ? Unfiltered() : Filtered(status));
        command.Parameters.Add(new NpgsqlParameter("asOf", asOf));
        command.Parameters.Add(new NpgsqlParameter("knownAt", knownAt));
        command.Parameters.Add(new NpgsqlParameter("segment", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)segment ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("offset", offset));
        command.Parameters.Add(new NpgsqlParameter("limit", limit));

        var customers = new List<CustomerSummary>();
        var total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            total = reader.GetInt32(0);
            if (reader.IsDBNull(1))
            {
                continue;
            }

            var arr = reader.GetDecimal(4);
            customers.Add(new CustomerSummary(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), CustomerStatus.Of(arr, everActive: reader.GetInt32(5) > 0), arr));
        }

        return new CustomerPage(customers, total);
    }

    /// <summary>
    /// Without a filter the page is chosen from the customers alone, and only its customers are looked up: the cost of a
    /// page does not grow with the book beyond sorting its ids.
    /// </summary>
    private string Unfiltered() =>
        $"""
        with page as (
            select known.customer_id
            from {tables.Customers} known
            where known.known_from <= @knownAt
            order by known.customer_id collate "C"
            offset @offset limit @limit)
        select (select count(*)::integer from {tables.Customers} known where known.known_from <= @knownAt),
               page.customer_id, details.name, details.segment, coalesce(held.arr, 0), coalesce(held.movements, 0)
        from (select 1) as one
        left join page on true
        left join lateral (
            select d.name, d.segment
            from {tables.CustomerDetails} d
            where d.customer_id = page.customer_id and d.effective_date <= @asOf and {ReadModelTables.Believed("d")}
            order by d.effective_date desc
            limit 1) details on true
        left join lateral (
            select sum(m.arr_delta) as arr, count(*)::integer as movements
            from {tables.Movements} m
            where m.customer_id = page.customer_id and m.movement_date <= @asOf and {ReadModelTables.Believed("m")}) held on true
        order by page.customer_id collate "C"
        """;

    /// <summary>
    /// With a filter every customer's state is needed to choose the page: each table is read once, as a whole, rather
    /// than looked up customer by customer.
    /// </summary>
    private string Filtered(string? status) =>
        $"""
        with held as (
            select m.customer_id, sum(m.arr_delta) as arr, count(*)::integer as movements
            from {tables.Movements} m
            where m.movement_date <= @asOf and {ReadModelTables.Believed("m")}
            group by m.customer_id),
        details as (
            select distinct on (d.customer_id) d.customer_id, d.name, d.segment
            from {tables.CustomerDetails} d
            where d.effective_date <= @asOf and {ReadModelTables.Believed("d")}
            order by d.customer_id, d.effective_date desc),
        listed as (
            select known.customer_id, details.name, details.segment, coalesce(held.arr, 0) as arr,
                   coalesce(held.movements, 0) as movements
            from {tables.Customers} known
            left join held on held.customer_id = known.customer_id
            left join details on details.customer_id = known.customer_id
            where known.known_from <= @knownAt
              and (@segment::varchar is null or details.segment = @segment)
              and {StatusCondition(status)})
        select total.customers, page.customer_id, page.name, page.segment, page.arr, page.movements
        from (select count(*)::integer as customers from listed) as total
        left join (
            select * from listed order by customer_id collate "C" offset @offset limit @limit) as page on true
        order by page.customer_id collate "C"
        """;

    private static string StatusCondition(string? status) => status switch
    {
        null => "true",
        CustomerStatus.Active => "held.arr > 0",
        CustomerStatus.Churned => "held.arr = 0",
        CustomerStatus.NeverActive => "held.customer_id is null",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown customer status"),
    };
}
