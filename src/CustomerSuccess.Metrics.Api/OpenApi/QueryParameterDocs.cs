using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Api.Endpoints;
using CustomerSuccess.Metrics.Events;
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
            QueryParameter.From => (Date(), !rangeOrAsOf, $"First day of the period, inclusive. {Dates}."),
            QueryParameter.To => (Date(), !rangeOrAsOf, $"Last day of the period, inclusive; not before from. {Dates}."),
            QueryParameter.Interval => (Enum("day", "week", "month", "quarter", "year"), false,
                $"Splits the range into calendar periods (ISO weeks end on Sunday), at most {FigureRequest.MaxPeriods:N0}. " +
                (accepts.DefaultInterval is { } fallback ? $"Default: {fallback}." : "Default: the whole range as one period.")),
            QueryParameter.KnownAt => (new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" }, false,
                "Only events recorded at or before this UTC instant count. Default: now; a later instant is answered as known now. " +
                "The instant used is echoed, so asking again with it gives the same answer."),
            QueryParameter.Segment => (Enum([.. Segments.All]), false, "Only customers while they are in this segment. Default: the whole book."),
            QueryParameter.Kind => (Enum([.. FigureRequest.MovementKindNames]), false, "Only movements of this kind. Default: every kind."),
            QueryParameter.Limit => (Integer(1, FigureRequest.MaxLimit), false, $"Movements per page. Default: {FigureRequest.DefaultLimit:N0}."),
            QueryParameter.Offset => (Integer(0, int.MaxValue), false, "Movements to skip. Default: 0."),
            QueryParameter.Format => (Enum([.. ResponseFormats.Names]), false,
                "json, or csv (text/csv with a header row, one row per entry). Default: as the Accept header asks (text/csv for CSV), else json."),
            _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, "Unknown query parameter"),
        };
        return new OpenApiParameter
        {
            Name = ReadParameters.NameOf(parameter), In = ParameterLocation.Query, Required = required, Description = description, Schema = schema,
        };
    }

    private static OpenApiSchema Date() => new() { Type = JsonSchemaType.String, Format = "date" };

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
