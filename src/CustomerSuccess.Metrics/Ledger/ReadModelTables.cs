using Weasel.Core;
using Weasel.Postgresql.Tables;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// Bitemporal read-model tables. Every row is valid in knowledge time from <c>known_from</c>
/// (inclusive) to <c>known_to</c> (exclusive; null while still believed), so any past
/// <c>knownAt</c> selects exactly the rows that were believed then.
/// </summary>
public sealed class ReadModelTables(string schema)
{
    public const string MovementsName = "cs_arr_movements";
    public const string RetentionCostsName = "cs_retention_costs";
    public const string RecordingClockName = "cs_recording_clock";

    public string Schema { get; } = schema;

    public string Movements => $"{Schema}.{MovementsName}";

    public string RetentionCosts => $"{Schema}.{RetentionCostsName}";

    public string RecordingClock => $"{Schema}.{RecordingClockName}";

    public IEnumerable<ISchemaObject> Build()
    {
        var movements = new Table(Movements);
        movements.AddColumn("customer_id", "varchar").NotNull();
        movements.AddColumn("movement_date", "date").NotNull();
        movements.AddColumn("kind", "varchar").NotNull();
        movements.AddColumn("segment", "varchar");
        movements.AddColumn("amount", "numeric").NotNull();
        movements.AddColumn("arr_delta", "numeric").NotNull();
        movements.AddColumn("logo_delta", "integer").NotNull();
        movements.AddColumn("event_ids", "text[]").NotNull();
        movements.AddColumn("known_from", "timestamp with time zone").NotNull();
        movements.AddColumn("known_to", "timestamp with time zone");
        movements.Indexes.Add(new IndexDefinition("ix_cs_arr_movements_current")
        {
            Columns = ["movement_date"],
            Predicate = "known_to is null",
        });
        movements.Indexes.Add(new IndexDefinition("ix_cs_arr_movements_customer")
        {
            Columns = ["customer_id", "movement_date"],
        });
        movements.Indexes.Add(new IndexDefinition("ix_cs_arr_movements_known")
        {
            Columns = ["movement_date", "known_from"],
        });
        yield return movements;

        var costs = new Table(RetentionCosts);
        costs.AddColumn("event_id", "varchar").AsPrimaryKey();
        costs.AddColumn("cost_date", "date").NotNull();
        costs.AddColumn("category", "varchar").NotNull();
        costs.AddColumn("amount", "numeric").NotNull();
        costs.AddColumn("known_from", "timestamp with time zone").NotNull();
        costs.AddColumn("known_to", "timestamp with time zone");
        costs.Indexes.Add(new IndexDefinition("ix_cs_retention_costs_date") { Columns = ["cost_date"] });
        yield return costs;

        var clock = new Table(RecordingClock);
        clock.AddColumn("id", "integer").AsPrimaryKey();
        clock.AddColumn("last_recorded", "timestamp with time zone");
        yield return clock;
    }
}
