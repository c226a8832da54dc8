using System.Text.Json;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record CreatedKey(string Name, IReadOnlyList<string> Scopes, Instant? ExpiresAt, string Key);

public sealed record KeyView(string Name, IReadOnlyList<string> Scopes, Instant CreatedAt, Instant? ExpiresAt, Instant? LastUsedAt);

public sealed record KeysResponse(IReadOnlyList<KeyView> Keys);

/// <summary>A request to create a key, read strictly: every field named, nothing unknown.</summary>
public sealed record KeyRequest(string Name, IReadOnlyList<string> Scopes, Instant? ExpiresAt)
{
    public const int MaxBodyBytes = 4_096;

    /// <summary>The request, or the errors by field.</summary>
    public static (KeyRequest? Request, Dictionary<string, string[]> Errors) Read(ReadOnlySpan<byte> body, Instant now)
    {
        var errors = new Dictionary<string, string[]>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException e)
        {
            errors["body"] = [$"is not valid JSON: {e.Message}"];
            return (null, errors);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = ["must be a JSON object with name, scopes and expiresAt"];
                return (null, errors);
            }

            string? name = null;
            List<string>? scopes = null;
            Instant? expiresAt = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    errors[property.Name] = ["is given more than once"];
                    continue;
                }

                switch (property.Name)
                {
                    case "name":
                        name = ReadName(property.Value, errors);
                        break;
                    case "scopes":
                        scopes = ReadScopes(property.Value, errors);
                        break;
                    case "expiresAt":
                        expiresAt = ReadExpiry(property.Value, now, errors);
                        break;
                    default:
                        errors[property.Name] = ["is not a field of a key; send name, scopes and expiresAt"];
                        break;
                }
            }

            if (!seen.Contains("name"))
            {
                errors["name"] = ["is required"];
            }

            if (!seen.Contains("scopes"))
            {
                errors["scopes"] = ["is required"];
            }

            return errors.Count == 0 ? (new KeyRequest(name!, scopes!, expiresAt), errors) : (null, errors);
        }
    }

    private static string? ReadName(JsonElement value, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { } name && ApiKeys.IsValidName(name))
        {
            return name;
        }

        errors["name"] = [$"must be 1 to {ApiKeys.MaxNameLength} lower-case letters, digits, '.', '-' or '_', starting with a letter or digit"];
        return null;
    }

    private static List<string>? ReadScopes(JsonElement value, Dictionary<string, string[]> errors)
    {
        var valid = value.ValueKind == JsonValueKind.Array && value.GetArrayLength() is > 0 and <= 3 &&
                    value.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String && Metrics.Access.Scopes.IsKnown(s.GetString()!));
        if (valid)
        {
            return [.. value.EnumerateArray().Select(s => s.GetString()!)];
        }

        errors["scopes"] = [$"must be a non-empty array of scopes: {string.Join(", ", Metrics.Access.Scopes.All)}"];
        return null;
    }

    private static Instant? ReadExpiry(JsonElement value, Instant now, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && InstantPattern.ExtendedIso.Parse(value.GetString()!) is { Success: true } parsed &&
            parsed.Value > now && parsed.Value < Instant.FromUtc(9999, 1, 1, 0, 0))
        {
            return parsed.Value;
        }

        errors["expiresAt"] = ["must be null or an instant in the future in ISO 8601 UTC, such as 2027-01-01T00:00:00Z"];
        return null;
    }
}

/// <summary>
/// The API keys, for holders of the admin scope: create one (its secret is in this answer only), list them without
/// secrets, revoke one. A revoked key is refused from the next request on, by every API process.
/// </summary>
[RequiresScope(Scopes.Admin)]
public static class KeysEndpoints
{
    [WolverinePost("/api/v1/keys")]
    [Tags("Keys")]
    [EndpointSummary("Create an API key with scopes; the key itself is shown in this answer only")]
    [ProducesResponseType<CreatedKey>(StatusCodes.Status201Created)]
    public static async Task<IResult> Create(HttpRequest request, ApiKeys keys, IClock clock, CancellationToken cancellation)
    {
        if (await RequestBody.ReadAtMostAsync(request, KeyRequest.MaxBodyBytes, cancellation) is not { } body)
        {
            return Problems.TooLarge($"A key request is at most {KeyRequest.MaxBodyBytes:N0} bytes. No key was created.");
        }

        var (keyRequest, errors) = KeyRequest.Read(body.Span, clock.GetCurrentInstant());
        if (keyRequest is null)
        {
            return Problems.Invalid(errors, "See errors for each field at fault. No key was created.");
        }

        var (outcome, text) = await keys.CreateAsync(keyRequest.Name, keyRequest.Scopes, keyRequest.ExpiresAt, cancellation);
        if (outcome == KeyCreation.NameTaken)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status409Conflict, title: "A key of that name is in force",
                detail: $"A key named '{keyRequest.Name}' is in force; revoke it first (DELETE /api/v1/keys/{keyRequest.Name}) or choose another name.",
                type: "https://httpstatuses.io/409",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["name"] = ["is taken by a key in force"] } });
        }

        var scopes = keyRequest.Scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return Results.Created($"/api/v1/keys/{keyRequest.Name}", new CreatedKey(keyRequest.Name, scopes, keyRequest.ExpiresAt, text!));
    }

    [WolverineGet("/api/v1/keys")]
    [Tags("Keys")]
    [EndpointSummary("The API keys in force, by name, without their secrets")]
    [AcceptsQuery]
    public static async Task<KeysResponse> List(FigureRequest request, ApiKeys keys, CancellationToken cancellation) =>
        new([.. (await keys.ListAsync(withRevoked: false, cancellation)).Select(k => new KeyView(k.Name, k.Scopes, k.CreatedAt, k.ExpiresAt, k.LastUsedAt))]);

    [WolverineDelete("/api/v1/keys/{name}")]
    [Tags("Keys")]
    [EndpointSummary("Revoke an API key: refused from the next request on")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public static async Task<IResult> Revoke(string name, ApiKeys keys, CancellationToken cancellation) =>
        await keys.RevokeAsync(name, cancellation) ? Results.NoContent() : Problems.NotFound("name", $"no key named '{name}' is in force");
}
