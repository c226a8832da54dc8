using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// The floor of renewals due: hand-written SQL over a flat copy of the contract events, one row each with what it does to
/// its contract and its knowledge interval (recorded until voided), read straight through Npgsql; the terms are then
/// followed in C# by <see cref="Definitions.Terms"/>.
/// </summary>
internal sealed class FlatContractEvents(NpgsqlDataSource dataSource, string schema)
{
    private string Table => $"{schema}.flat_contract_events";

    /// <summary>
    /// Copies the contract events once out of the event table, each with the instant it was recorded and the instant its
    /// void was (if any): one index finds the contracts with a term ending in a range, one reads a contract's events in
    /// effective order, both covering. Vacuumed so that both are read by index-only scans.
    /// </summary>
    public async Task CreateAsync(CancellationToken cancellation)
    {
        const string covered = "customer_id, kind, amount, term_end, known_from, known_to";
        await FloorSql.ExecuteAsync(dataSource,
        [
            $"""
            create table {Table} as
            select e.stream_id as customer_id, e.data ->> 'contractId' as contract_id, (e.data ->> 'effectiveDate')::date as effective_date,
                   e.seq_id as sequence,
                   case e.type when 'contract_upsold' then {(int)ContractStepKind.Expand} when 'contract_downsold' then {(int)ContractStepKind.Reduce}
                               when 'contract_renewed' then {(int)ContractStepKind.Renew} when 'contract_churned' then {(int)ContractStepKind.Close}
                               else {(int)ContractStepKind.Open} end as kind,
                   coalesce((e.data ->> 'arr')::numeric, (e.data ->> 'arrIncrease')::numeric, (e.data ->> 'arrDecrease')::numeric, 0) as amount,
                   (e.data ->> 'termEndDate')::date as term_end, e.timestamp as known_from, v.timestamp as known_to
            from {schema}.mt_events e
            left join {schema}.mt_events v on v.type = 'event_voided' and v.data ->> 'voidedEventId' = e.data ->> 'eventId'
            where e.type in ('contract_signed', 'contract_cross_sold', 'contract_upsold', 'contract_downsold', 'contract_renewed', 'contract_churned')
            """,
            $"create index flat_contract_events_due on {Table} (term_end) include (contract_id, known_from, known_to) where term_end is not null",
            $"create index flat_contract_events_contract on {Table} (contract_id, effective_date, sequence) include ({covered})",
            $"vacuum analyze {Table}",
        ], cancellation);
    }

    /// <summary>The contracts with a term ending in [from, to] as known, with every event of each as known, in effective order.</summary>
    public async Task<Figure> RenewalsAsync(LocalDate from, LocalDate to, Instant? knownAt, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand();
        command.CommandText =
            $"select customer_id, contract_id, effective_date, kind, amount, term_end from {Table} e " +
            $"where contract_id in (select contract_id from {Table} where term_end between {FloorSql.Parameter(command, from)} and " +
            $"{FloorSql.Parameter(command, to)} and {FloorSql.Believed(command, knownAt)}) and {FloorSql.Believed(command, knownAt, "e")} " +
            "order by contract_id, effective_date, sequence";

        var contracts = new List<List<ContractStep>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var contractId = reader.GetString(1);
                if (contracts.Count == 0 || contracts[^1][0].ContractId != contractId)
                {
                    contracts.Add([]);
                }

                contracts[^1].Add(new ContractStep(
                    reader.GetString(0), contractId, reader.GetFieldValue<LocalDate>(2), (ContractStepKind)reader.GetInt32(3), reader.GetDecimal(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<LocalDate>(5)));
            }
        }

        return Definitions.Renewals(contracts, from, to);
    }
}
