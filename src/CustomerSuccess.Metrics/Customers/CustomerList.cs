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
        // Without a filter the page is chosen from the customers alone, and only its customers are looked up.
        var filtered = segment is not null || status is not null;
        var listed = filtered
            ? $"""
              select known.customer_id
              from {tables.Customers} known
              left join lateral ({Details("known")}) details on true
              left join lateral ({Held("known")}) held on true
              where known.known_from <= @knownAt
                and (@segment::varchar is null or details.segment = @segment)
                and {StatusCondition(status)}
              """
            : $"select known.customer_id from {tables.Customers} known where known.known_from <= @knownAt";

        await using var command = dataSource.CreateCommand(
            $"""
            with listed as ({listed}),
            page as (
                select customer_id from listed order by customer_id collate "C" offset @offset limit @limit)
            select total.customers, page.customer_id, details.name, details.segment, held.arr, held.movements
            from (select count(*)::integer as customers from listed) as total
            left join page on true
            left join lateral ({Details("page")}) details on true
            left join lateral ({Held("page")}) held on true
            order by page.customer_id collate "C"
            """);
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

    /// <summary>The customer's latest name and segment change on or before asOf, as believed at knownAt.</summary>
    private string Details(string customer) =>
        $"""
        select d.name, d.segment
        from {tables.CustomerDetails} d
        where d.customer_id = {customer}.customer_id and d.effective_date <= @asOf
          and d.known_from <= @knownAt and (d.known_to is null or d.known_to > @knownAt)
        order by d.effective_date desc
        limit 1
        """;

    /// <summary>
    /// The customer's ARR at the end of asOf, the sum of its movements up to then as believed at knownAt, and how many
    /// there are: a customer with movements has had ARR.
    /// </summary>
    private string Held(string customer) =>
        $"""
        select coalesce(sum(m.arr_delta), 0) as arr, count(*)::integer as movements
        from {tables.Movements} m
        where m.customer_id = {customer}.customer_id and m.movement_date <= @asOf
          and m.known_from <= @knownAt and (m.known_to is null or m.known_to > @knownAt)
        """;

    private static string StatusCondition(string? status) => status switch
    {
        null => "true",
        CustomerStatus.Active => "held.arr > 0",
        CustomerStatus.Churned => "held.arr = 0 and held.movements > 0",
        CustomerStatus.NeverActive => "held.movements = 0",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown customer status"),
    };
}
