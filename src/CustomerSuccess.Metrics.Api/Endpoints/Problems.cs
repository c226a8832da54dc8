using CustomerSuccess.Metrics.Recording;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>RFC 9457 problem responses, each naming the field (and event) at fault.</summary>
public static class Problems
{
    public static IResult Invalid(IReadOnlyDictionary<string, string[]> errors, string? detail = null) =>
        Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is not valid",
            detail: detail ?? "See errors for each field at fault. Nothing was recorded.",
            type: "https://httpstatuses.io/400",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    /// <summary>A read that cannot be answered as asked; reads record nothing, so the detail says only what to fix.</summary>
    public static ProblemDetails InvalidQuery(IReadOnlyDictionary<string, string[]> errors) => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The request is not valid",
        Detail = "See errors for each query parameter at fault.",
        Type = "https://httpstatuses.io/400",
        Extensions = { ["errors"] = errors },
    };

    /// <summary>A read of read models that are being rebuilt, or were left by an earlier version and must be.</summary>
    public static ProblemDetails ReadModelsIncomplete(string detail) => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = "The read models are incomplete",
        Detail = detail,
        Type = "https://httpstatuses.io/503",
    };

    public static IResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult TooLarge(string detail) =>
        Results.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The request body is too large",
            detail: detail,
            type: "https://httpstatuses.io/413");

    public static IResult UnsupportedMediaType(string detail) =>
        Results.Problem(
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "The request body must be JSON",
            detail: detail,
            type: "https://httpstatuses.io/415");

    public static IResult NotFound(string field, string detail) =>
        Results.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Not found",
            detail: detail,
            type: "https://httpstatuses.io/404",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });

    /// <summary>A customer of whom no event was recorded by the instant asked about.</summary>
    public static IResult CustomerNotFound(string customerId, Instant knownAt) =>
        NotFound("customerId", $"no events are recorded for customer '{customerId}' as known at {InstantPattern.ExtendedIso.Format(knownAt)}");

    public static IResult Refused(Refusal refusal, string fieldPath)
    {
        var (status, title) = refusal.Kind == RefusalKind.Conflict
            ? (StatusCodes.Status409Conflict, "The event conflicts with what is already recorded")
            : (StatusCodes.Status422UnprocessableEntity, "The event breaks a business rule");
        return Results.Problem(
            statusCode: status,
            title: title,
            detail: $"Event '{refusal.EventId}': {refusal.Detail}. Nothing in this request was recorded.",
            type: $"https://httpstatuses.io/{status}",
            extensions: new Dictionary<string, object?>
            {
                ["eventId"] = refusal.EventId,
                ["errors"] = new Dictionary<string, string[]> { [fieldPath] = [refusal.Detail] },
            });
    }
}
