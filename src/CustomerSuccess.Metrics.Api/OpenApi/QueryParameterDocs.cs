using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Api.Endpoints;
using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Health;
using CustomerSuccess.Metrics.Recording;
using Microsoft.OpenApi;

namespace CustomerSuccess.Metrics.Api.OpenApi;

/// <summary>What each query parameter means, its format and bounds, as the OpenAPI document states them.</summary>
public static class QueryParameterDocs
{
    private static readonly string Dates = $"{EventParser.EarliestDate:yyyy-MM-dd} to {EventParser.LatestDate:yyyy-MM-dd}";

    public static OpenApiParameter Describe(QueryParameter parameter, AcceptsQueryAttribute accepts)
    {
        var rangeOrAsOf = accepts.Accepts(QueryParameter.AsOf) && accepts.Accepts(QueryParameter.From);
        var (schema, required, description) = parameter switch
        {
            QueryParameter.AsOf => (Date(), false, rangeOrAsOf
                ? $"Instead of from and to: the twelve months that end on this date. {Dates}."
                : $"The business date: figures as at the end of this day. Default: today (UTC). {Dates}."),
            QueryParameter.From => (Date(), !rangeOrAsOf && !accepts.RangeOptional, $"First day of the period, inclusive. {Dates}." +
                (accepts.RangeOptional ? $" Default: {EventParser.EarliestDate:yyyy-MM-dd}." : "")),
            QueryParameter.To => (Date(), !rangeOrAsOf && !accepts.RangeOptional, $"Last day of the period, inclusive; not before from. {Dates}." +
                (accepts.RangeOptional ? $" Default: {EventParser.LatestDate:yyyy-MM-dd}." : "")),
            QueryParameter.Interval => (Enum("day", "week", "month", "quarter", "year"), false,
                $"Splits the range into calendar periods (ISO weeks end on Sunday), at most {FigureRequest.MaxPeriods:N0}. " +
                (accepts.DefaultInterval is { } fallback ? $"Default: {fallback}." : "Default: the whole range as one period.")),
            QueryParameter.KnownAt => (Instant(), false,
                "Only events recorded at or before this UTC instant count. Default: now; a later instant is answered as known now. " +
                "The instant used is echoed, so asking again with it gives the same answer."),
            QueryParameter.Segment => (Enum([.. Segments.All]), false, "Only customers while they are in this segment. Default: the whole book."),
            QueryParameter.Kind => (Enum([.. FigureRequest.MovementKindNames]), false, "Only movements of this kind. Default: every kind."),
            QueryParameter.Limit => (Integer(1, FigureRequest.MaxLimit), false, $"Entries per page. Default: {FigureRequest.DefaultLimit:N0}."),
            QueryParameter.Offset => (Integer(0, int.MaxValue), false, "Entries to skip, in the order listed. Default: 0."),
            QueryParameter.CustomerId => (new OpenApiSchema
            {
                Type = JsonSchemaType.String, MaxLength = EventParser.MaxIdLength, Pattern = EventParser.IdExpression,
            }, false, "Only this customer's entries. Default: every customer."),
            QueryParameter.Status => (Enum([.. CustomerStatus.All]), false,
                "Only customers with this status at the end of asOf: active (ARR > 0), churned (ARR 0 after ARR > 0 at the end of an " +
                "earlier day) or never_active. Default: every status."),
            QueryParameter.RecordedFrom => (Instant(), false,
                "The first recorded instant listed, inclusive: a UTC instant, not before 1970-01-01T00:00:00Z. Default: the first recorded."),
            QueryParameter.RecordedTo => (Instant(), false,
                "The last recorded instant listed, inclusive; not before from. Default: now; a later instant is answered as now. " +
                "The instant used is echoed, so asking again with it gives the same answer."),
            QueryParameter.Since => (Instant(), true,
                "The knowledge instant to compare from: a UTC instant, not after until. A period closed later is compared from its close."),
            QueryParameter.Until => (Instant(), false,
                "The knowledge instant to compare to. Default: now; a later instant is answered as now. " +
                "The instant used is echoed, so asking again with it gives the same answer."),
            QueryParameter.Format => (Enum([.. ResponseFormats.Names]), false,
                "json, or csv (text/csv with a header row, one row per entry). Default: as the Accept header asks (text/csv for CSV), else json."),
            QueryParameter.Csm => (new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 }, false,
                "Only accounts this CSM owns at the end of the period (the latest customer.csm or customer.assigned). Default: every CSM."),
            QueryParameter.TouchModel => (Enum([.. SignalVocabulary.TouchModels]), false,
                "Only accounts with this touch model at the end of the period (the latest customer.assigned). Default: every touch model."),
            QueryParameter.Band => (Enum([.. HealthBands.All]), false, "Only customers listed in this health band. Default: every band."),
            QueryParameter.Topic => (new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 }, false,
                "Only answers about this topic. Default: every topic."),
            _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, "Unknown query parameter"),
        };
        return new OpenApiParameter
        {
            Name = ReadParameters.NameOf(parameter), In = ParameterLocation.Query, Required = required, Description = description, Schema = schema,
        };
    }

    private static OpenApiSchema Date() => new() { Type = JsonSchemaType.String, Format = "date" };

    private static OpenApiSchema Instant() => new() { Type = JsonSchemaType.String, Format = "date-time" };

    private static OpenApiSchema Integer(int minimum, int maximum) => new()
    {
        Type = JsonSchemaType.Integer, Format = "int32", Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Maximum = maximum.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static OpenApiSchema Enum(params string[] values) => new()
    {
        Type = JsonSchemaType.String, Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))],
    };
}
