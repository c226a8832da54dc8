using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace CustomerSuccess.Metrics.Api.Hosting;

/// <summary>
/// A request that fails because the database cannot be reached (down, restarting, refusing connections, or its pool
/// exhausted) is answered 503 with <c>Retry-After</c>, not 500: nothing was recorded, and the same request may be sent
/// again once it is back. The host itself keeps running and recovers by itself.
/// </summary>
public sealed class DatabaseUnavailable(ILogger<DatabaseUnavailable> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnreachable(exception) || context.Response.HasStarted)
        {
            return false;
        }

        logger.LogWarning("The database could not be reached: {Message}", exception.Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Results.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The database cannot be reached",
            detail: $"Nothing was recorded. Send the same request again after {RetryAfterSeconds} s; a resent event is recognised by its eventId.",
            type: "https://httpstatuses.io/503").ExecuteAsync(context);
        return true;
    }

    /// <summary>Whether the failure is the database out of reach rather than a fault of the request or the engine.</summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" } => true,
        TimeoutException => true,
        _ => exception.InnerException is { } inner && IsUnreachable(inner),
    };
}
