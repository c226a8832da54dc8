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
    public const string DailyTotalsName = "cs_arr_daily";
    public const string CheckpointsName = "cs_arr_daily_checkpoints";
    public const string RetentionCostsName = "cs_retention_costs";
    public const string SignalsName = "cs_signals";
    public const string ContractEventsName = "cs_contract_events";
    public const string RecordingClockName = "cs_recording_clock";
    public const string CustomerTailsName = "cs_customer_tails";
    public const string EventReceiptsName = "cs_event_receipts";
    public const string RefusedMessagesName = "cs_refused_messages";
    public const string ArrChangeFeedName = "cs_arr_change_feed";
    public const string CustomersName = "cs_customers";
    public const string CustomerDetailsName = "cs_customer_details";
    public const string RecordedInstantsName = "cs_recorded_instants";
    public const string ApiKeysName = "cs_api_keys";

    public string Schema { get; } = schema;

    /// <summary>An SQL condition: the rows of a bitemporal table, under <paramref name="alias"/>, believed at <c>@knownAt</c>.</summary>
    public static string Believed(string alias) =>
        $"{alias}.known_from <= @knownAt and ({alias}.known_to is null or {alias}.known_to > @knownAt)";

    public string Movements => $"{Schema}.{MovementsName}";

    public string DailyTotals => $"{Schema}.{DailyTotalsName}";

    public string Checkpoints => $"{Schema}.{CheckpointsName}";

    public string RetentionCosts => $"{Schema}.{RetentionCostsName}";

    public string Signals => $"{Schema}.{SignalsName}";

    public string ContractEvents => $"{Schema}.{ContractEventsName}";

    public string RecordingClock => $"{Schema}.{RecordingClockName}";

    public string CustomerTails => $"{Schema}.{CustomerTailsName}";

    public string EventReceipts => $"{Schema}.{EventReceiptsName}";

    public string RefusedMessages => $"{Schema}.{RefusedMessagesName}";

    public string ArrChangeFeed => $"{Schema}.{ArrChangeFeedName}";

    public string Customers => $"{Schema}.{CustomersName}";

    public string CustomerDetails => $"{Schema}.{CustomerDetailsName}";

    public string RecordedInstants => $"{Schema}.{RecordedInstantsName}";

    public string ApiKeys => $"{Schema}.{ApiKeysName}";

    /// <summary>
    /// An SQL condition: null while the store holds no events; else whether the tables filled from every event hold
    /// anything, whether the contract-event table does once a customer has a stream, and whether the customer details
    /// hold the CSMs that events sent. False for a store written by an earlier version that had no such tables or
    /// columns, until it is rebuilt.
    /// </summary>
    public string KeptForEveryEvent =>
        $"case when not exists (select 1 from {Schema}.mt_events) then null " +
        $"else exists (select 1 from {EventReceipts}) and exists (select 1 from {RecordedInstants}) " +
        $"and (exists (select 1 from {ContractEvents}) or not exists (select 1 from {Schema}.mt_streams where id not like '~%')) " +
        $"and (exists (select 1 from {CustomerDetails} where csm is not null) " +
        $"or not exists (select 1 from {Schema}.mt_events e where e.data -> 'customer' ->> 'csm' is not null)) end";

    public IEnumerable<ISchemaObject> Build()
    {
        var movements = new Table(Movements);
        movements.AddColumn("customer_id", "varchar").NotNull();
        // CustomerTail.Key: the customer as a number, cheaper to group by than its id. Nullable only so that a
        // store from before it can be migrated and then rebuilt, which fills it.
        movements.AddColumn("customer_key", "bigint");
        movements.AddColumn("movement_date", "date").NotNull();
        movements.AddColumn("kind", "varchar").NotNull();
        movements.AddColumn("segment", "varchar");
        movements.AddColumn("amount", "numeric").NotNull();
        movements.AddColumn("arr_delta", "numeric").NotNull();
        movements.AddColumn("logo_delta", "integer").NotNull();
        movements.AddColumn("event_ids", "text[]").NotNull();
        movements.AddColumn("arr_before", "numeric").NotNull();
        movements.AddColumn("arr_after", "numeric").NotNull();
        movements.AddColumn("segment_before", "varchar");
        movements.AddColumn("known_from", "timestamp with time zone").NotNull();
        movements.AddColumn("known_to", "timestamp with time zone");
        movements.Indexes.Add(new IndexDefinition("ix_cs_arr_movements_customer") { Columns = ["customer_id", "movement_date"] });
        // A period's rows with what the retention cohort and the believed-at filter read: an index-only scan.
        movements.Indexes.Add(new IndexDefinition("ix_cs_arr_movements_date")
        {
            Columns = ["movement_date"],
            IncludeColumns = ["customer_key", "arr_before", "arr_after", "segment", "segment_before", "known_from", "known_to"],
        });
        // Rows learnt, and rows given up, between two instants: what separates one belief from another.
        movements.Indexes.Add(new IndexDefinition("ix_cs_arr_movements_learnt") { Columns = ["known_from"] });
        movements.Indexes.Add(new IndexDefinition("ix_cs_arr_movements_superseded")
        {
            Columns = ["known_to"],
            Predicate = "known_to is not null",
        });
        yield return movements;

        // The movements believed now, summed per day, segment ('' for none) and kind.
        yield return AddDailyTotalColumns(new Table(DailyTotals));

        // The daily totals as believed at a past instant, kept every so many events so that a figure as
        // known at any instant is a checkpoint plus a bounded number of movement rows.
        var checkpoints = new Table(Checkpoints);
        checkpoints.AddColumn("known_at", "timestamp with time zone").AsPrimaryKey();
        yield return AddDailyTotalColumns(checkpoints);

        var costs = new Table(RetentionCosts);
        costs.AddColumn("event_id", "varchar").AsPrimaryKey();
        costs.AddColumn("cost_date", "date").NotNull();
        costs.AddColumn("category", "varchar").NotNull();
        costs.AddColumn("amount", "numeric").NotNull();
        costs.AddColumn("known_from", "timestamp with time zone").NotNull();
        costs.AddColumn("known_to", "timestamp with time zone");
        costs.Indexes.Add(new IndexDefinition("ix_cs_retention_costs_date") { Columns = ["cost_date"] });
        yield return costs;

        // One row per signal event, with the fields the figures read (comments, features and participants stay in the
        // event log); bitemporal: a void ends the row's knowledge.
        var signals = new Table(Signals);
        signals.AddColumn("event_id", "varchar").AsPrimaryKey();
        signals.AddColumn("type", "varchar").NotNull();
        signals.AddColumn("customer_id", "varchar").NotNull();
        signals.AddColumn("effective_date", "date").NotNull();
        signals.AddColumn("respondent_id", "varchar");
        signals.AddColumn("score", "integer");
        signals.AddColumn("scale", "varchar");
        signals.AddColumn("topic", "varchar");
        signals.AddColumn("licensed_seats", "integer");
        signals.AddColumn("active_users", "integer");
        signals.AddColumn("label", "varchar");
        signals.AddColumn("severity", "varchar");
        signals.AddColumn("csm", "varchar");
        signals.AddColumn("sequence", "bigint").NotNull();
        signals.AddColumn("known_from", "timestamp with time zone").NotNull();
        signals.AddColumn("known_to", "timestamp with time zone");
        signals.Indexes.Add(new IndexDefinition("ix_cs_signals_type_date") { Columns = ["type", "effective_date"] });
        signals.Indexes.Add(new IndexDefinition("ix_cs_signals_customer") { Columns = ["customer_id", "effective_date"] });
        yield return signals;

        // One row per contract event, as its timeline entry (ContractEventRows); bitemporal: a void ends the row's knowledge.
        var contractEvents = new Table(ContractEvents);
        contractEvents.AddColumn("event_id", "varchar").AsPrimaryKey();
        contractEvents.AddColumn("customer_id", "varchar").NotNull();
        contractEvents.AddColumn("type", "varchar").NotNull();
        contractEvents.AddColumn("sequence", "bigint").NotNull();
        contractEvents.AddColumn("effective_date", "date").NotNull();
        contractEvents.AddColumn("contract_id", "varchar").NotNull();
        contractEvents.AddColumn("change", "varchar").NotNull();
        contractEvents.AddColumn("amount", "numeric").NotNull();
        contractEvents.AddColumn("term_end", "date");
        contractEvents.AddColumn("product", "varchar");
        contractEvents.AddColumn("reason", "varchar");
        contractEvents.AddColumn("name", "varchar");
        contractEvents.AddColumn("segment", "varchar");
        contractEvents.AddColumn("csm", "varchar");
        contractEvents.AddColumn("known_from", "timestamp with time zone").NotNull();
        contractEvents.AddColumn("known_to", "timestamp with time zone");
        contractEvents.Indexes.Add(new IndexDefinition("ix_cs_contract_events_customer") { Columns = ["customer_id", "effective_date", "sequence"] });
        // The terms ending in a period, and who holds them: what renewals due start from.
        contractEvents.Indexes.Add(new IndexDefinition("ix_cs_contract_events_term_end")
        {
            Columns = ["term_end"],
            IncludeColumns = ["customer_id", "known_from", "known_to"],
            Predicate = "term_end is not null",
        });
        yield return contractEvents;

        // Each customer's CustomerTail as JSON, never queried inside, so kept as text (json, not jsonb): not
        // bitemporal, it is rebuilt from the event log.
        var tails = new Table(CustomerTails);
        tails.AddColumn("customer_id", "varchar").AsPrimaryKey();
        tails.AddColumn("data", "json").NotNull();
        yield return tails;

        // One row per appended event: what its eventId was recorded as, and the void that retracted it.
        var receipts = new Table(EventReceipts);
        receipts.AddColumn("event_id", "varchar").AsPrimaryKey();
        receipts.AddColumn("type", "varchar").NotNull();
        receipts.AddColumn("stream_key", "varchar").NotNull();
        receipts.AddColumn("fingerprint", "varchar").NotNull();
        receipts.AddColumn("voided_by", "varchar");
        yield return receipts;

        // Messages from the bus that were refused, with why; kept until replayed or discarded. Not a read model:
        // a rebuild leaves it alone.
        var refused = new Table(RefusedMessages);
        refused.AddColumn("id", "uuid").AsPrimaryKey();
        refused.AddColumn("source", "varchar").NotNull();
        refused.AddColumn("body", "bytea").NotNull();
        refused.AddColumn("first_refused_at", "timestamp with time zone").NotNull();
        refused.AddColumn("refused_at", "timestamp with time zone").NotNull();
        refused.AddColumn("status", "integer").NotNull();
        refused.AddColumn("rule", "varchar").NotNull();
        refused.AddColumn("field", "varchar").NotNull();
        refused.AddColumn("detail", "text").NotNull();
        refused.AddColumn("event_id", "varchar");
        refused.AddColumn("state", "varchar").NotNull();
        refused.AddColumn("settled_at", "timestamp with time zone");
        yield return refused;

        // The integration events the write side learnt, in order, until they are handed to the message bus. Not a
        // read model: a rebuild neither clears it nor adds to it, so nothing is published twice or for a replay.
        var feed = new Table(ArrChangeFeed);
        feed.AddColumn("id", "bigserial").AsPrimaryKey();
        feed.AddColumn("recorded_at", "timestamp with time zone").NotNull();
        feed.AddColumn("type", "varchar").NotNull();
        feed.AddColumn("customer_id", "varchar").NotNull();
        feed.AddColumn("body", "jsonb").NotNull();
        feed.AddColumn("published_at", "timestamp with time zone");
        feed.Indexes.Add(new IndexDefinition("ix_cs_arr_change_feed_waiting") { Columns = ["id"], Predicate = "published_at is null" });
        yield return feed;

        // Every customer with the instant its first event was recorded: the customers known at an instant.
        var customers = new Table(Customers);
        customers.AddColumn("customer_id", "varchar").AsPrimaryKey();
        customers.AddColumn("known_from", "timestamp with time zone").NotNull();
        yield return customers;

        // A customer's name, segment and CSM from the end of each effective day on which they changed, bitemporal like
        // the movements: the attributes in force at the end of a day are those of the latest row on or before it.
        var details = new Table(CustomerDetails);
        details.AddColumn("customer_id", "varchar").NotNull();
        details.AddColumn("effective_date", "date").NotNull();
        details.AddColumn("name", "varchar");
        details.AddColumn("segment", "varchar");
        details.AddColumn("csm", "varchar");
        details.AddColumn("known_from", "timestamp with time zone").NotNull();
        details.AddColumn("known_to", "timestamp with time zone");
        details.Indexes.Add(new IndexDefinition("ix_cs_customer_details_customer") { Columns = ["customer_id", "effective_date"] });
        yield return details;

        // Each recorded instant with how many events and customers were recorded at it, and the streams of its first
        // and last event in store order, by which a rebuild that splits an instant over two pages joins the halves.
        var instants = new Table(RecordedInstants);
        instants.AddColumn("recorded_at", "timestamp with time zone").AsPrimaryKey();
        instants.AddColumn("events", "integer").NotNull();
        instants.AddColumn("customers", "integer").NotNull();
        instants.AddColumn("first_stream", "varchar").NotNull();
        instants.AddColumn("last_stream", "varchar").NotNull();
        yield return instants;

        // The API keys, each kept only as a salted hash of its secret, with its scopes. Revoked keys stay on record.
        // Not a read model: a rebuild leaves it alone.
        var keys = new Table(ApiKeys);
        keys.AddColumn("key_id", "varchar").AsPrimaryKey();
        keys.AddColumn("name", "varchar").NotNull();
        keys.AddColumn("salt", "bytea").NotNull();
        keys.AddColumn("hash", "bytea").NotNull();
        keys.AddColumn("scopes", "varchar[]").NotNull();
        keys.AddColumn("created_at", "timestamp with time zone").NotNull();
        keys.AddColumn("expires_at", "timestamp with time zone");
        keys.AddColumn("last_used_at", "timestamp with time zone");
        keys.AddColumn("revoked_at", "timestamp with time zone");
        keys.Indexes.Add(new IndexDefinition("ix_cs_api_keys_name") { Columns = ["name"], IsUnique = true, Predicate = "revoked_at is null" });
        yield return keys;

        var clock = new Table(RecordingClock);
        clock.AddColumn("id", "integer").AsPrimaryKey();
        clock.AddColumn("last_recorded", "timestamp with time zone");
        yield return clock;
    }

    /// <summary>Keyed by day, segment ('' for none) and kind: the sums of the movements believed.</summary>
    private static Table AddDailyTotalColumns(Table table)
    {
        table.AddColumn("movement_date", "date").AsPrimaryKey();
        table.AddColumn("segment", "varchar").AsPrimaryKey();
        table.AddColumn("kind", "varchar").AsPrimaryKey();
        table.AddColumn("amount", "numeric").NotNull();
        table.AddColumn("arr_delta", "numeric").NotNull();
        table.AddColumn("logo_delta", "integer").NotNull();
        table.AddColumn("movements", "integer").NotNull();
        return table;
    }
}
