using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Retention;

/// <summary>A member of a period's opening cohort: o_c, its ARR at the end of from - 1, and e_c, its whole ARR at to.</summary>
public sealed record CohortMember(string CustomerId, decimal OpeningArr, decimal ClosingArr)
{
    /// <summary>min(e_c, o_c): what gross renewal counts of the member.</summary>
    public decimal GrossArr => Math.Min(OpeningArr, ClosingArr);

    public bool Retained => ClosingArr > 0m;
}

/// <summary>
/// The members of <see cref="RetentionCohort"/> one by one, by customer id. o_c sums the member's movements up to
/// from - 1 in the segment, which is its ARR when it was in the segment then, the rule by which the cohort's opening
/// comes from the segment's bridge; e_c sums all its movements up to to, wherever it is by then.
/// </summary>
public sealed class RetentionCohortMembers(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    public IAsyncEnumerable<CohortMember> MembersAsync(
        LocalDate from, LocalDate to, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var command = dataSource.CreateCommand();
        var fromParameter = BelievedMovements.Add(command, from);
        var toParameter = BelievedMovements.Add(command, to);
        var segmentParameter = BelievedMovements.Add(command, (object?)segment ?? DBNull.Value, "varchar");
        var believed = new BelievedMovements(tables, knownAt, segment: null).Filter(command);
        command.CommandText = $"""
            select member.customer_id, member.opening_arr, member.closing_arr
            from (select m.customer_id,
                         coalesce(sum(m.arr_delta) filter (
                             where m.movement_date < {fromParameter} and ({segmentParameter}::varchar is null or m.segment = {segmentParameter})), 0)
                             as opening_arr,
                         sum(m.arr_delta) as closing_arr
                  from {tables.Movements} m
                  where m.movement_date <= {toParameter} and {believed}
                  group by m.customer_id) member
            where member.opening_arr > 0
            order by member.customer_id collate "C"
            """;
        return ReaderRows.ReadAsync(command, reader => new CohortMember(reader.GetString(0), reader.GetDecimal(1), reader.GetDecimal(2)), cancellation);
    }
}
