using System.Globalization;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Health;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record HealthInputView(
    string Name, [property: Rate] decimal? Value, [property: Score] decimal? Score, decimal Weight, [property: Score] decimal Contribution, string Basis)
{
    public static HealthInputView Of(HealthInput i) => new(i.Name, i.Value, i.Score, i.Weight, i.Contribution, i.Basis);
}

public sealed record OpenRiskView(string Factor, string Severity, LocalDate Since, string EventId);

public sealed record HealthPointView(LocalDate Date, [property: Score] decimal Score, string Band);

public sealed record CustomerHealthResponse(
    string CustomerId, LocalDate AsOf, Instant KnownAt, string? Segment, string? Csm, string? TouchModel, [property: Score] decimal Score, string Band,
    IReadOnlyList<HealthInputView> Inputs, string LifecycleStage, [property: Rate] decimal? Adoption, TimeToValue TimeToValue,
    IReadOnlyList<TermEnding> TermEndsSoon, IReadOnlyList<OpenRiskView> OpenRisks, IReadOnlyList<HealthPointView> History);

/// <summary>
/// GET /api/v1/customers/{customerId}/health: a customer's health score as of a date and as known at an instant, with the
/// contribution of every input, its lifecycle stage, time to value and the score at the end of each of the twelve months before.
/// CSV lists the inputs.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class CustomerHealthEndpoint
{
    private static readonly string[] CsvHeader = ["customerId", "asOf", "input", "value", "score", "weight", "contribution", "basis"];

    [WolverineGet("/api/v1/customers/{customerId}/health")]
    [Tags("Customers")]
    [EndpointSummary("A customer's health score with each input's contribution, lifecycle stage, time to value and twelve months of history")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.KnownAt, QueryParameter.Format)]
    [ProducesResponseType<CustomerHealthResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static async Task<IResult> Get(string customerId, FigureRequest request, CustomerHealth health, CancellationToken cancellation)
    {
        var r = await health.QueryAsync(customerId, request.AsOf, request.KnownAt, cancellation);
        if (r is null)
        {
            return Problems.CustomerNotFound(customerId, request.KnownAt);
        }

        var inputs = r.Health.Inputs.Select(HealthInputView.Of).ToList();
        return new StreamedResult(request, $"health-{customerId}-{request.AsOf:yyyy-MM-dd}",
            (json, _) =>
            {
                json.Item(new CustomerHealthResponse(customerId, request.AsOf, request.KnownAt, r.Facts.Segment, r.Facts.Csm, r.Facts.TouchModel,
                    r.Health.Score, r.Health.Band, inputs, r.Stage, r.Facts.Usage?.Adoption, r.TimeToValue, r.TermEndsSoon,
                    [.. r.Facts.Risks.Select(k => new OpenRiskView(k.Factor, k.Severity, k.Since, k.EventId))],
                    [.. r.History.Select(p => new HealthPointView(p.Date, p.Score, p.Band))]));
                return Task.CompletedTask;
            },
            async (csv, cancellation) =>
            {
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                foreach (var i in inputs)
                {
                    await csv.WriteAsync(
                        [customerId, CsvRows.Date(request.AsOf), i.Name, i.Value?.ToString(CultureInfo.InvariantCulture), CsvRows.Score(i.Score),
                         i.Weight.ToString(CultureInfo.InvariantCulture), CsvRows.Score(i.Contribution), CsvRows.Text(i.Basis)],
                        cancellation).ConfigureAwait(false);
                }
            });
    }
}
