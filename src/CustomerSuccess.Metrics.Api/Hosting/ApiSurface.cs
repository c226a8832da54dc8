using System.Diagnostics;
using CustomerSuccess.Metrics.Api.Endpoints;
using CustomerSuccess.Metrics.Api.Health;
using CustomerSuccess.Metrics.Api.OpenApi;
using CustomerSuccess.Metrics.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace CustomerSuccess.Metrics.Api.Hosting;

/// <summary>What the host says about itself: its OpenAPI document and reference page, health, and telemetry.</summary>
public static class ApiSurface
{
    public const string OpenApiPath = "/openapi/v1.json";
    public const string ReferencePath = "/docs";
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string MetricsPath = "/metrics";

    public static void AddApiSurface(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "CustomerSuccess.Metrics";
                document.Info.Description =
                    "Contract events in; ARR, the ARR bridge, retention rates and cost of retention out, as of any business date " +
                    "(asOf) and as known at any instant (knownAt).";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer<ApiDocumentTransformer>();
        });

        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("read-models", tags: [ReadinessCheck.Tag]);

        // Traces and metrics of ASP.NET Core, Npgsql, Marten, Wolverine and the engine; OTLP when an endpoint is configured
        // (OTEL_EXPORTER_OTLP_ENDPOINT), and always a Prometheus scrape endpoint.
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("customer-success-metrics"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(EngineTelemetry.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Npgsql", "Marten", "Wolverine")
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource("Microsoft.AspNetCore", "Marten", "Wolverine").AddNpgsql();
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
    }

    public static void MapApiSurface(this WebApplication app)
    {
        app.MapOpenApi(OpenApiPath);
        app.MapScalarApiReference(ReferencePath, options => options.WithTitle("CustomerSuccess.Metrics").WithOpenApiRoutePattern(OpenApiPath));
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadinessCheck.Tag), ResponseWriter = HealthResponse.WriteAsync,
        });
        app.MapPrometheusScrapingEndpoint(MetricsPath);
    }

    /// <summary>Times every figure request, by the route that names the figure.</summary>
    public static void UseFigureTiming(this WebApplication app) => app.Use(async (context, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        await next(context);
        if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route } endpoint
            && endpoint.Metadata.GetMetadata<AcceptsQueryAttribute>()?.Accepts(QueryParameter.KnownAt) == true)
        {
            EngineTelemetry.FigureDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("figure", route));
        }
    });
}
