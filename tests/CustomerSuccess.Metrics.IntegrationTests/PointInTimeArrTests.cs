using System.Net;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// Tests share one store whose recorded time only moves forward, so each test records at instants
/// after everything recorded before it: days after a fresh base instant.
/// </summary>
public class PointInTimeArrTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private readonly Instant _base = app.Clock.GetCurrentInstant() + Duration.FromDays(365);

    private Instant Day(int days) => _base + Duration.FromDays(days);

    private static string Iso(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private async Task<decimal> CustomerArr(string customer, string asOf, Instant knownAt) =>
        (await app.GetAsync($"/api/v1/customers/{customer}?asOf={asOf}&knownAt={Iso(knownAt)}")).ShouldBe(HttpStatusCode.OK).Decimal("arr");

    [Fact]
    public async Task a_figure_known_at_an_instant_keeps_its_value_after_a_backdated_correction()
    {
        (await app.PostEventsAtAsync(Day(0), Signed("repro-1", "repro", "repro-c1", "2025-01-10", 50_000))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(Day(10));
        var reported = await CustomerArr("repro", "2025-03-31", Day(5));
        (await app.PostEventsAtAsync(Day(20), Downsold("repro-2", "repro", "repro-c1", "2025-03-15", 5_000))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(Day(30));

        Assert.Equal(50_000m, reported);
        Assert.Equal(50_000m, await CustomerArr("repro", "2025-03-31", Day(5)));
        Assert.Equal(45_000m, await CustomerArr("repro", "2025-03-31", Day(21)));
        Assert.Equal(50_000m, await CustomerArr("repro", "2025-03-14", Day(21)));
    }

    [Fact]
    public async Task a_void_changes_figures_only_as_known_after_it()
    {
        (await app.PostEventsAtAsync(Day(0), Batch(
            Signed("pv-1", "pv", "pv-c1", "2024-01-10", 20_000),
            Upsold("pv-2", "pv", "pv-c1", "2024-02-01", 4_000)))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Day(10), Voided("pv-3", "pv-2"))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(Day(30));

        Assert.Equal(24_000m, await CustomerArr("pv", "2024-12-31", Day(5)));
        Assert.Equal(20_000m, await CustomerArr("pv", "2024-12-31", Day(11)));

        var history = (await app.GetAsync("/api/v1/customers/pv/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray();
        Assert.Equal(["pv-1", "pv-2", "pv-3"], history.Select(e => e!["eventId"]!.GetValue<string>()));
        Assert.True(history[1]!["voided"]!.GetValue<bool>());
        Assert.Equal("pv-3", history[1]!["voidedByEventId"]!.GetValue<string>());
        Assert.Equal(Iso(Day(10)), history[2]!["recordedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task nothing_known_before_the_first_recording()
    {
        (await app.PostEventsAtAsync(Day(0), Signed("early-1", "early", "early-c1", "2024-01-10", 20_000))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(Day(1));

        (await app.GetAsync($"/api/v1/customers/early?asOf=2024-12-31&knownAt={Iso(Day(-1))}")).ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(20_000m, await CustomerArr("early", "2024-12-31", Day(0)));
    }

    [Fact]
    public async Task customer_status_follows_its_arr_over_time()
    {
        (await app.PostEventsAtAsync(Day(0), Batch(
            Signed("life-1", "life", "life-c1", "2024-03-01", 9_000),
            Churned("life-2", "life", "life-c1", "2024-09-01")))).ShouldBe(HttpStatusCode.OK);

        async Task<string> StatusAt(string asOf) =>
            (await app.GetAsync($"/api/v1/customers/life?asOf={asOf}")).ShouldBe(HttpStatusCode.OK)["status"].GetValue<string>();

        Assert.Equal("never_active", await StatusAt("2024-02-29"));
        Assert.Equal("active", await StatusAt("2024-08-31"));
        Assert.Equal("churned", await StatusAt("2024-09-01"));
    }

    [Fact]
    public async Task bad_query_parameters_are_refused_naming_the_field()
    {
        var reply = (await app.GetAsync("/api/v1/arr?asOf=2025-02-30&knownAt=yesterday&segment=huge")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.NotNull(reply["errors"]["asOf"]);
        Assert.NotNull(reply["errors"]["knownAt"]);
        Assert.NotNull(reply["errors"]["segment"]);
    }

    [Fact]
    public async Task an_unknown_customer_is_not_found()
    {
        var reply = (await app.GetAsync("/api/v1/customers/nobody")).ShouldBe(HttpStatusCode.NotFound);

        Assert.Equal("application/problem+json", reply.ContentType);
    }
}
