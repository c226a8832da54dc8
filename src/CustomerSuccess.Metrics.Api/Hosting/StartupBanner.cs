using System.Globalization;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Api.Messaging;
using CustomerSuccess.Metrics.SampleBook;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Api.Hosting;

/// <summary>Where the database is, where the API listens, and where to start looking: printed once, when the host is listening.</summary>
public sealed class StartupBanner(
    IServer server, IHostApplicationLifetime lifetime, DatabaseLocation database, ContractEventsBus bus, IClock clock,
    DevelopmentKey developmentKey, SampleBookOptions? sampleBook = null)
    : IHostedService
{
    public const string RunningLine = "CustomerSuccess.Metrics is running.";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var root = BaseAddress(server).ToString().TrimEnd('/');
            // The sample book's last day, where one is loaded, else today.
            var day = sampleBook is null ? clock.GetCurrentInstant().InUtc().Date : LocalDate.FromDateOnly(sampleBook.End);
            var asOf = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var key = developmentKey.Text is { } text
                ? $"""
                  API key:    {text}
                              (named "{DevelopmentKey.Name}", every scope; made anew at each start. Send it as X-Api-Key, e.g.
                               curl -H "X-Api-Key: {text}" "{root}/api/v1/arr?asOf={asOf}")
                  Dashboard:  {root}/#key={text}
                """
                : $"""
                  Dashboard:  {root}/
                """;
            Console.WriteLine($"""

                {RunningLine}
                  PostgreSQL: {database.Description}
                  Messages:   {bus.Describe()}
                {key}
                  API:        {root}/api/v1
                  Reference:  {root}{ApiSurface.ReferencePath}
                  Health:     {root}{ApiSurface.ReadyPath}
                  Try:
                    {root}/api/v1/arr?asOf={asOf}
                    {root}/api/v1/metrics/bridge?from={day.Year}-01-01&to={asOf}&interval=quarter
                    {root}/api/v1/metrics/retention?asOf={asOf}
                Press Ctrl+C to stop.

                """);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The first address the host listens on, as a client on this machine reaches it.</summary>
    public static Uri BaseAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The host is not listening on any address.");
        return new Uri(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1")
            .Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1"));
    }
}

/// <summary>Where the event store lives, in words, without credentials.</summary>
public sealed record DatabaseLocation(string Description)
{
    public static DatabaseLocation Of(string connectionString, EmbeddedPostgres? embedded)
    {
        if (embedded is not null)
        {
            return new DatabaseLocation(
                $"private server on 127.0.0.1:{embedded.Port}, data in {embedded.DataDirectory} (stopped and removed with the API)");
        }

        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        return new DatabaseLocation($"{settings.Host}:{settings.Port}, database {settings.Database ?? settings.Username}");
    }
}
