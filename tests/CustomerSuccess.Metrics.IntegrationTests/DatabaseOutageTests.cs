using System.Diagnostics;
using System.Net;
using CustomerSuccess.Metrics.Api.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>A host on a PostgreSQL server of its own, which the test stops and starts again.</summary>
public sealed class PrivateDatabaseApp : MetricsApp
{
    private readonly EmbeddedPostgres _server = EmbeddedPostgres.Start(TextWriter.Null, ["fsync=off"]);

    protected override string ConnectionString => _server.ConnectionString;

    /// <summary>What the host logged at error level, so that an answer other than the one expected says why.</summary>
    public ErrorLog Errors { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Errors));
    }

    /// <summary>Stops the server, as a crash or a restart of the database would, keeping its data.</summary>
    public void StopDatabase() => PgCtl("-m", "immediate", "stop");

    /// <summary>Starts the stopped server again on the same port and data.</summary>
    public void StartDatabase()
    {
        var folder = Path.GetDirectoryName(_server.DataDirectory)!;
        PgCtl("-l", Path.Combine(folder, "server.log"), "-o", $"-p {_server.Port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    }

    protected override void Stopped() => _server.Dispose();

    private void PgCtl(params string[] arguments)
    {
        var pgCtl = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_ctl")).First(File.Exists);
        var asRoot = Environment.UserName == "root";
        var info = new ProcessStartInfo(asRoot ? "runuser" : pgCtl) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (asRoot ? ["-u", "postgres", "--", pgCtl] : Array.Empty<string>()).Concat(["-D", _server.DataDirectory, "-w", "-t", "60"]).Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"pg_ctl {string.Join(' ', arguments)}: {error.Result}");
    }
}

public class DatabaseOutageTests(PrivateDatabaseApp app) : IClassFixture<PrivateDatabaseApp>
{
    [Fact]
    public async Task while_the_database_is_down_requests_get_503_with_retry_after_and_the_host_recovers_by_itself_losing_nothing_acknowledged()
    {
        (await app.PostEventsAsync(Signed("out-1", "out", "out-c1", "2024-01-15", 12_000))).ShouldBe(HttpStatusCode.OK);

        app.StopDatabase();
        try
        {
            using var client = app.CreateClient();
            foreach (var request in (Func<Task<HttpResponseMessage>>[])
                     [
                         () => client.PostAsync("/api/v1/events", new StringContent(Upsold("out-2", "out", "out-c1", "2024-03-01", 3_000), System.Text.Encoding.UTF8, "application/json")),
                         () => client.GetAsync("/api/v1/arr?asOf=2024-12-31"),
                         () => client.GetAsync("/api/v1/customers/out/events"),
                     ])
            {
                using var response = await request();
                var reply = await Reply.ReadAsync(response);
                Assert.True(reply.Status == HttpStatusCode.ServiceUnavailable, $"{(int)reply.Status}: {reply.Text}");
                Assert.Equal(TimeSpan.FromSeconds(DatabaseUnavailable.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
                Assert.Equal("application/problem+json", reply.ContentType);
                Assert.DoesNotContain("Npgsql", reply.Text);
            }

            using var live = await app.CreateClientWithoutKey().GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            app.StartDatabase();
        }

        // Back by itself: the refused upsell is sent again and recorded once, beside the signing acknowledged before.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        Reply resent;
        while ((resent = await app.PostEventsAsync(Upsold("out-2", "out", "out-c1", "2024-03-01", 3_000))).Status != HttpStatusCode.OK)
        {
            Assert.True(resent.Status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline, $"{(int)resent.Status}: {resent.Text}");
            await Task.Delay(250);
        }

        Assert.Equal(15_000m, Answered(await app.GetAsync("/api/v1/arr?asOf=2024-12-31")).Decimal("arr"));
        var history = Answered(await app.GetAsync("/api/v1/customers/out/events"))["events"].AsArray();
        Assert.Equal(["out-1", "out-2"], history.Select(e => e!["eventId"]!.GetValue<string>()));
    }

    private Reply Answered(Reply reply)
    {
        Assert.True(reply.Status == HttpStatusCode.OK, $"{(int)reply.Status}: {reply.Text}\nThe host logged:\n{string.Join("\n", app.Errors.Entries)}");
        return reply;
    }
}
