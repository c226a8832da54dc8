using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Net.Http.Headers;

namespace CustomerSuccess.Metrics.Api.Access;

/// <summary>The scope an endpoint needs; an API endpoint without one needs <see cref="Scopes.MetricsRead"/>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequiresScopeAttribute(string scope) : Attribute
{
    public string Scope { get; } = scope;
}

/// <summary>
/// The key configured for automation (<c>Auth:AdminKey</c>, named by <c>Auth:AdminKeyName</c>, "admin" unless set), with
/// every scope; only its hash is held. How many requests a key may make per second, by the scope the endpoint needs
/// (<c>Auth:RequestsPerSecond:Write</c>, <c>:Read</c>, <c>:Admin</c>).
/// </summary>
public sealed class AccessOptions
{
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly byte[]? _adminKeyHash;

    public AccessOptions(IConfiguration configuration)
    {
        var adminKey = configuration["Auth:AdminKey"];
        _adminKeyHash = string.IsNullOrEmpty(adminKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(adminKey));
        AdminKeyName = configuration["Auth:AdminKeyName"] is { Length: > 0 } name ? name : "admin";
        WritesPerSecond = configuration.GetValue("Auth:RequestsPerSecond:Write", 2_000);
        ReadsPerSecond = configuration.GetValue("Auth:RequestsPerSecond:Read", 500);
        AdminPerSecond = configuration.GetValue("Auth:RequestsPerSecond:Admin", 50);
    }

    public bool HasAdminKey => _adminKeyHash is not null;

    public string AdminKeyName { get; }

    public int WritesPerSecond { get; }

    public int ReadsPerSecond { get; }

    public int AdminPerSecond { get; }

    /// <summary>Whether the text is the configured admin key, compared in constant time.</summary>
    public bool IsAdminKey(string text) =>
        _adminKeyHash is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(text)), _adminKeyHash);

    public int PerSecond(string scope) => scope switch
    {
        Scopes.EventsWrite => WritesPerSecond,
        Scopes.Admin => AdminPerSecond,
        _ => ReadsPerSecond,
    };
}

/// <summary>
/// Every request to the API and to the telemetry scrape needs a key with the endpoint's scope: 401 without a key, or
/// with one that is unknown, revoked, expired or wrong (one answer for all, which tells nothing about which keys exist),
/// 403 with a key that lacks the scope, and 429 beyond the key's rate. The dashboard's files, the API's description
/// (OpenAPI document and reference page) and health checks hold no figures and are served to anyone.
/// </summary>
public static class AccessControl
{
    private const string Unlimited = "";

    public static void AddAccessControl(this WebApplicationBuilder builder)
    {
        var options = new AccessOptions(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ApiKeys>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Features.Get<Caller>() is { } caller
                    ? RateLimitPartition.GetTokenBucketLimiter($"{RequiredScope(context)}\n{caller.Name}", _ => PerSecond(options.PerSecond(RequiredScope(context))))
                    : RateLimitPartition.GetNoLimiter(Unlimited));
            limiter.OnRejected = async (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                rejected.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await WriteProblemAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"This key has sent more requests than its scope allows per second; send again after {retryAfter} s. Nothing was recorded.");
            };
        });
    }

    /// <summary>After routing, so that the endpoint's scope is known; before the endpoints.</summary>
    public static void UseAccessControl(this WebApplication app)
    {
        app.Use(AuthenticateAsync);
        app.UseRateLimiter();
    }

    /// <summary>Whether the path is served to anyone: health checks and everything outside the API and the scrape endpoint.</summary>
    public static bool IsOpen(PathString path) =>
        !path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) &&
        !path.StartsWithSegments(ApiSurface.MetricsPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>The scope the request's endpoint needs.</summary>
    public static string RequiredScope(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RequiresScopeAttribute>()?.Scope ?? Scopes.MetricsRead;

    private static async Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        if (IsOpen(context.Request.Path))
        {
            await next(context);
            return;
        }

        var text = KeyText(context.Request);
        var caller = text is null ? null : await CallerAsync(context, text);
        if (caller is null)
        {
            context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{AccessOptions.ApiKeyHeader}\", Bearer";
            await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "An API key is needed",
                $"Send a valid API key in the {AccessOptions.ApiKeyHeader} header or as Authorization: Bearer <key>.");
            return;
        }

        var scope = RequiredScope(context);
        if (!Scopes.Allow(caller.Scopes, scope))
        {
            await WriteProblemAsync(context, StatusCodes.Status403Forbidden, "This key may not do that",
                $"This request needs a key with the scope '{scope}'.");
            return;
        }

        context.Features.Set(caller);
        await next(context);
    }

    private static async Task<Caller?> CallerAsync(HttpContext context, string text)
    {
        var options = context.RequestServices.GetRequiredService<AccessOptions>();
        if (options.IsAdminKey(text))
        {
            return new Caller(options.AdminKeyName, [Scopes.Admin]);
        }

        return await context.RequestServices.GetRequiredService<ApiKeys>().AuthenticateAsync(text, context.RequestAborted);
    }

    /// <summary>The key sent in X-Api-Key, else as a bearer token; null when none, or more than one, was sent.</summary>
    private static string? KeyText(HttpRequest request)
    {
        var header = request.Headers[AccessOptions.ApiKeyHeader];
        if (header.Count > 0)
        {
            return header.Count == 1 && !string.IsNullOrEmpty(header[0]) ? header[0] : null;
        }

        var authorization = request.Headers[HeaderNames.Authorization];
        return authorization.Count == 1 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && value.Length > "Bearer ".Length
            ? value["Bearer ".Length..].Trim()
            : null;
    }

    private static TokenBucketRateLimiterOptions PerSecond(int permits) => new()
    {
        TokenLimit = Math.Max(1, permits),
        TokensPerPeriod = Math.Max(1, permits),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail) =>
        Results.Problem(detail, statusCode: status, title: title, type: $"https://httpstatuses.io/{status}").ExecuteAsync(context);
}
