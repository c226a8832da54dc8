using CustomerSuccess.Metrics;
using System.Text.Json.Serialization;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Api.Endpoints;
using CustomerSuccess.Metrics.Api.Hosting;
using CustomerSuccess.Metrics.Api.Messaging;
using CustomerSuccess.Metrics.Messaging;
using CustomerSuccess.Metrics.Arr;
using CustomerSuccess.Metrics.Audit;
using CustomerSuccess.Metrics.Books;
using CustomerSuccess.Metrics.Bridge;
using CustomerSuccess.Metrics.CostOfRetention;
using CustomerSuccess.Metrics.Explain;
using CustomerSuccess.Metrics.Retention;
using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Health;
using CustomerSuccess.Metrics.LifetimeValue;
using CustomerSuccess.Metrics.Signals;
using CustomerSuccess.Metrics.Periods;
using CustomerSuccess.Metrics.Recording;
using CustomerSuccess.Metrics.Renewals;
using CustomerSuccess.Metrics.Timeline;
using CustomerSuccess.Metrics.Replay;
using CustomerSuccess.Metrics.SampleBook;
using JasperFx;
using JasperFx.CodeGeneration;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

var builder = WebApplication.CreateBuilder(args);

var connectionString = builder.Configuration.GetConnectionString("Marten");
EmbeddedPostgres? embedded = null;
if (string.IsNullOrWhiteSpace(connectionString))
{
    embedded = EmbeddedPostgres.Start(Console.Out);
    connectionString = embedded.ConnectionString;
}

var schema = builder.Configuration["Marten:Schema"] ?? MetricsStore.DefaultSchema;
var checkpointEveryEvents = builder.Configuration.GetValue("Marten:CheckpointEveryEvents", KnowledgeCheckpoints.DefaultEveryEvents);
var rebuildPageSize = builder.Configuration.GetValue("Marten:RebuildPageSize", LedgerProjection.DefaultRebuildPageSize);

// The store and the queries each have a data source, the queries' planned per execution (MetricsStore.BuildDataSource).
// The container builds both, so it disposes them, and closes their pooled connections, when the host is disposed.
builder.Services.AddKeyedSingleton(StoreDataSourceKey, (_, _) => MetricsStore.BuildDataSource(connectionString));
builder.Services.AddSingleton(_ => MetricsStore.BuildDataSource(connectionString, forQueries: true));
builder.Services.AddSingleton(new ReadModelTables(schema));
builder.Services.TryAddSingleton<IClock>(SystemClock.Instance);
builder.Services.AddSingleton(new ReportingOptions(builder.Configuration["Reporting:Currency"] ?? "USD"));
builder.Services.AddSingleton<RecordingClock>();
builder.Services.AddSingleton(sp => new RecordEvents(
    sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<ReadModelTables>(), sp.GetRequiredService<RecordingClock>()));
builder.Services.AddSingleton<ArrAsOf>();
builder.Services.AddSingleton<ArrSeries>();
builder.Services.AddSingleton<ArrBridge>();
builder.Services.AddSingleton<RetentionCohort>();
builder.Services.AddSingleton<RetentionRates>();
builder.Services.AddSingleton<CostOfRetentionQuery>();
builder.Services.AddSingleton<MovementAudit>();
builder.Services.AddSingleton<CustomerAsOf>();
builder.Services.AddSingleton<CustomerHistory>();
builder.Services.AddSingleton<CustomerTimeline>();
builder.Services.AddSingleton<ChurnAudit>();
builder.Services.AddSingleton<ArrExplanation>();
builder.Services.AddSingleton<RetentionCohortMembers>();
builder.Services.AddSingleton<CustomerList>();
builder.Services.AddSingleton<RecordedInstants>();
builder.Services.AddSingleton<EventLog>();
builder.Services.AddSingleton<RenewalsDue>();
builder.Services.AddSingleton<BookOfBusiness>();
builder.Services.AddSingleton<LifetimeValueQuery>();
builder.Services.AddSingleton(HealthConfiguration.Read(builder.Configuration));
builder.Services.AddSingleton<SurveyAnswers>();
builder.Services.AddSingleton<NetPromoterScore>();
builder.Services.AddSingleton<CustomerSatisfaction>();
builder.Services.AddSingleton<HealthFactsReader>();
builder.Services.AddSingleton<CustomerHealth>();
builder.Services.AddSingleton<HealthScores>();
builder.Services.AddSingleton<PeriodReport>();
builder.Services.AddSingleton<PeriodBook>();
builder.Services.AddSingleton<Restatements>();

builder.Services.AddSingleton<RefusedMessages>();
builder.Services.AddSingleton<RefusedMessageReplay>();
// `replay verify` builds a scratch store laid out as this one.
builder.Services.AddSingleton(new StoreLayout(connectionString, schema, checkpointEveryEvents, rebuildPageSize));
builder.Services.AddSingleton<ReadModelVerification>();

builder.Services.AddMarten(options => MetricsStore.Configure(options, schema, checkpointEveryEvents, rebuildPageSize))
    .UseNpgsqlDataSource(StoreDataSourceKey)
    .UseLightweightSessions()
    .ApplyAllDatabaseChangesOnStartup()
    .IntegrateWithWolverine(integration =>
    {
        // The inbox, outbox and PostgreSQL queues live beside the event store, in its schema.
        integration.MessageStorageSchemaName = schema;
        integration.TransportSchemaName = schema;
    });

var bus = ContractEventsBus.From(builder.Configuration);
builder.Services.AddSingleton(bus);
// Registered before Wolverine, so it has run by the time the bus starts listening.
builder.Services.AddHostedService<InboxCatchUp>();
builder.Services.AddSingleton<ArrChangeRelay>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ArrChangeRelay>());

builder.Host.UseWolverine(options =>
{
    options.Durability.Mode = DurabilityMode.Solo;
    // Endpoint code is compiled in from Internal/Generated (`codegen write`, see README), never generated at run time.
    // Marten 9 generates none.
    options.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
    bus.Configure(options);
});
builder.Services.AddWolverineHttp();
builder.Services.ConfigureHttpJsonOptions(options =>
{
    MetricsStore.ConfigureJson(options.SerializerOptions);
    // A figure that has no value is sent as null (with its note), never left out.
    options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
});
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<DatabaseUnavailable>();

// No cross-origin reads or writes unless a deployment names the origins (Cors:AllowedOrigins:0, :1, ...).
var allowedOrigins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
if (allowedOrigins.Length > 0)
{
    builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        policy.WithOrigins(allowedOrigins).WithMethods("GET", "POST").WithHeaders("Content-Type")));
}

builder.AddApiSurface();
builder.AddAccessControl();
builder.Services.AddSingleton<DevelopmentKey>();
builder.Services.AddHostedService(sp => new AccessBootstrap(
    sp.GetRequiredService<ApiKeys>(), sp.GetRequiredService<AccessOptions>(), sp.GetRequiredService<DevelopmentKey>(), embedded is not null,
    sp.GetRequiredService<ILogger<AccessBootstrap>>()));

var sampleCustomers = builder.Configuration.GetValue<int>("SampleBook:Customers");
if (sampleCustomers > 0)
{
    builder.Services.AddSingleton(SampleBookOptions.Small with { Customers = sampleCustomers });
    builder.Services.AddHostedService<SampleBookLoader>();
}

builder.Services.AddSingleton(DatabaseLocation.Of(connectionString, embedded));
builder.Services.AddHostedService<StartupBanner>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
if (allowedOrigins.Length > 0)
{
    app.UseCors();
}
app.UseFigureTiming();
// The dashboard (wwwroot): "/" answers wwwroot/index.html; every other path falls through to the endpoints below.
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseRouting();
app.UseAccessControl();
app.MapApiSurface();
app.MapWolverineEndpoints(options => options.AddMiddleware(typeof(FigureRequestReader)));
if (embedded is not null)
{
    app.Lifetime.ApplicationStopped.Register(embedded.Dispose);
}

try
{
    return await app.RunJasperFxCommands(args);
}
finally
{
    embedded?.Dispose();
}

public partial class Program
{
    /// <summary>The key the event store's data source is registered under, apart from the queries' one.</summary>
    private const string StoreDataSourceKey = "store";
}
