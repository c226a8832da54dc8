using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Api.Endpoints;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CustomerSuccess.Metrics.Api.OpenApi;

/// <summary>
/// Describes what the endpoints read by hand: the query parameters each declares with <see cref="AcceptsQueryAttribute"/>,
/// the problem responses every endpoint can give, and the event body that <c>POST /api/v1/events</c> takes.
/// </summary>
public sealed class ApiDocumentTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var accepts = metadata.OfType<AcceptsQueryAttribute>().FirstOrDefault();
        var path = "/" + context.Description.RelativePath;
        if (accepts is not null)
        {
            operation.Parameters ??= [];
            foreach (var parameter in accepts.Parameters)
            {
                operation.Parameters.Add(QueryParameterDocs.Describe(parameter, accepts));
            }
        }

        operation.Responses ??= [];
        AddProblem(operation, "400", "A parameter or the body is not valid; `errors` names each field at fault.");
        if (metadata.OfType<RequiresScopeAttribute>().FirstOrDefault() is { } scope)
        {
            operation.Description = $"Needs an API key with the scope `{scope.Scope}` (or `admin`), sent as X-Api-Key or Authorization: Bearer.";
            AddProblem(operation, "401", "No API key, or one that is unknown, revoked or expired.");
            AddProblem(operation, "403", $"The API key lacks the scope `{scope.Scope}`.");
            AddProblem(operation, "429", "The API key sent more requests than its scope allows per second; Retry-After says when to send again.");
        }
        if (accepts is not null && !accepts.ReadsEventLogOnly
            && (accepts.Accepts(QueryParameter.KnownAt) || accepts.Accepts(QueryParameter.RecordedTo) || accepts.Accepts(QueryParameter.Until)))
        {
            AddProblem(operation, "503", "The read models are being rebuilt, or must be rebuilt after an upgrade; the answer would be incomplete.");
        }

        if (path.StartsWith("/api/v1/customers/", StringComparison.Ordinal))
        {
            AddProblem(operation, "404", "No event of this customer was recorded (as known at knownAt).");
        }

        if (context.Description.HttpMethod == HttpMethods.Post && path == "/api/v1/events")
        {
            DescribeEventBody(operation);
            AddProblem(operation, "409", "An eventId was reused with other content, or a backdated event would break a later one.");
            AddProblem(operation, "413", "The body is larger than 4 MiB.");
            AddProblem(operation, "415", "The body is not application/json.");
            AddProblem(operation, "422", "An event breaks a business rule where it stands.");
            AddProblem(operation, "503", "The read models must be rebuilt before events can be recorded.");
        }

        return Task.CompletedTask;
    }

    private static void AddProblem(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = ProblemSchema() } },
        };
    }

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["eventId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "the event refused, for 409 and 422" },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "messages per field at fault, keyed by its path, such as [3].arrIncrease",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };

    private static void DescribeEventBody(OpenApiOperation operation)
    {
        var examples = EventExamples.All.ToDictionary(
            e => e.Type, e => (IOpenApiExample)new OpenApiExample { Summary = e.Type, Value = JsonNode.Parse(e.Json) });
        examples["batch"] = new OpenApiExample
        {
            Summary = "a batch of up to 1,000 events, applied atomically",
            Value = JsonNode.Parse("[" + string.Join(",", EventExamples.All.Take(3).Select(e => e.Json)) + "]"),
        };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One event object, or a JSON array of 1 to 1,000 of them. `type` selects the shape.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        OneOf = [new OpenApiSchema { Type = JsonSchemaType.Object }, new OpenApiSchema { Type = JsonSchemaType.Array, MinItems = 1, MaxItems = 1000 }],
                    },
                    Examples = examples,
                },
            },
        };
    }
}
