using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Periods;
using CustomerSuccess.Metrics.Recording;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;
using Weasel.Postgresql;

namespace CustomerSuccess.Metrics;

/// <summary>How the engine lays out its event store and read models in one PostgreSQL schema.</summary>
public static class MetricsStore
{
    public const string DefaultSchema = "csm";

    /// <param name="forQueries">
    /// For the read side: every execution is planned for its own values. A reporting query ranges over dates
    /// and instants whose selectivity only the values show, and a plan made without them guesses a few rows
    /// and walks an index over tens of thousands. The write side keeps generic plans, planned once.
    /// </param>
    public static NpgsqlDataSource BuildDataSource(string connectionString, bool forQueries = false)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // A period's cohort sorts tens of thousands of customer rows; keep that in memory.
        var options = $"{builder.ConnectionStringBuilder.Options} -c work_mem=32MB";
        // The write side reads by key: a page of events joined to its streams, tails and receipts of a batch. Its
        // working set stays cached, where a random read costs about what a sequential one does; at the default
        // cost of 4 the planner hashes all of mt_streams for every page of a rebuild instead of looking up its
        // thousand streams (24 ms against 6 ms a page on the large book).
        options = forQueries ? $"{options} -c plan_cache_mode=force_custom_plan" : $"{options} -c random_page_cost=1.1";
        if (forQueries && builder.ConnectionStringBuilder.CommandTimeout > 0)
        {
            // A query reads tens of thousands of rows, one socket read per buffer; with a client-side timeout every
            // read arms and disarms a timer, and concurrent readers contend for the timer queue. The server enforces
            // the same limit instead.
            options = $"{options} -c statement_timeout={builder.ConnectionStringBuilder.CommandTimeout}s";
            builder.ConnectionStringBuilder.CommandTimeout = 0;
        }

        builder.ConnectionStringBuilder.Options = options.Trim();
        // An append sends the same few statements once per event and per customer: parse and plan them once.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }
        builder.UseNodaTime();
        return builder.Build();
    }

    /// <summary>JSON settings shared by the store, fingerprints and the HTTP API.</summary>
    public static JsonSerializerOptions ConfigureJson(JsonSerializerOptions options)
    {
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return options;
    }

    /// <summary>
    /// Lays the store out in <paramref name="schema"/>. The caller gives it its connection (<c>StoreOptions.Connection</c>)
    /// and owns that data source: Marten never disposes one it is given.
    /// </summary>
    /// <param name="checkpointEveryEvents">How often the daily totals are checkpointed (<see cref="KnowledgeCheckpoints"/>).</param>
    /// <param name="rebuildPageSize">Events per page of a projection rebuild (<see cref="LedgerProjection.DefaultRebuildPageSize"/>).</param>
    public static void Configure(
        StoreOptions options, string schema, long checkpointEveryEvents = KnowledgeCheckpoints.DefaultEveryEvents,
        int rebuildPageSize = LedgerProjection.DefaultRebuildPageSize)
    {
        // Parameters of queued SQL are typed by Weasel; teach it the NodaTime types Npgsql already maps.
        PostgresqlProvider.Instance.RegisterMapping(typeof(LocalDate), "date", NpgsqlDbType.Date);
        PostgresqlProvider.Instance.RegisterMapping(typeof(Instant), "timestamp with time zone", NpgsqlDbType.TimestampTz);

        var tables = new ReadModelTables(schema);
        options.DatabaseSchemaName = schema;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, json =>
        {
            json.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
            json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });

        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.Events.AppendMode = EventAppendMode.Rich;
        // Who sent each event and how (Recording.Sender).
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.AddEventType<ContractSigned>();
        options.Events.AddEventType<ContractCrossSold>();
        options.Events.AddEventType<ContractUpsold>();
        options.Events.AddEventType<ContractDownsold>();
        options.Events.AddEventType<ContractRenewed>();
        options.Events.AddEventType<ContractChurned>();
        options.Events.AddEventType<EventVoided>();
        options.Events.AddEventType<RetentionCostRecorded>();
        options.Events.AddEventType<NpsAnswered>();
        options.Events.AddEventType<CsatAnswered>();
        options.Events.AddEventType<UsageReported>();
        options.Events.AddEventType<EngagementRecorded>();
        options.Events.AddEventType<RiskFlagged>();
        options.Events.AddEventType<RiskCleared>();
        options.Events.AddEventType<CustomerAssigned>();
        options.Events.AddEventType<PeriodClosed>();
        options.Events.AddEventType<PeriodReopened>();

        options.Storage.ExtendedSchemaObjects.AddRange(tables.Build());
        options.Projections.Add(new LedgerProjection(tables, checkpointEveryEvents, rebuildPageSize), ProjectionLifecycle.Inline);
    }
}
