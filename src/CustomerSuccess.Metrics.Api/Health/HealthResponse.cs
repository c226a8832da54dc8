using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CustomerSuccess.Metrics.Api.Health;

/// <summary>A health answer as JSON: the overall status and each check's status and reason.</summary>
public static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description,
            }),
        }, JsonSerializerOptions.Web);
    }
}
