using System.Text.Json;
using CustomerSuccess.Metrics.Recording;
using NodaTime;
using V1 = CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>What the contracts package writes is exactly what the engine reads, for every event type and form.</summary>
public class ContractsWireFormatTests
{
    private static readonly DateOnly Day = new(2024, 1, 15);
    private static readonly LocalDate LocalDay = new(2024, 1, 15);
    private static readonly V1.CustomerDetails Details = new("Acme \"Ltd\" \u00e9", "enterprise", "dana");

    private static ParsedBatch Read(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var parsed = EventParser.Parse(document.RootElement);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        return parsed;
    }

    [Fact]
    public void every_event_type_round_trips_into_the_engine_event_with_the_same_values()
    {
        V1.PublishedEvent[] batch =
        [
            new V1.ContractSigned("e-1", "acme", "acme-1", Day, Arr: 12_000.5m, TermEndDate: new DateOnly(2025, 1, 14), Product: "core", Customer: Details),
            new V1.ContractCrossSold("e-2", "acme", "acme-2", Day.AddDays(10), RecurringAmount: 1_000m, PeriodMonths: 3),
            new V1.ContractUpsold("e-3", "acme", "acme-1", Day.AddDays(20), 2_500m),
            new V1.ContractDownsold("e-4", "acme", "acme-1", Day.AddDays(30), 500m, new V1.CustomerDetails(Segment: "smb")),
            new V1.ContractRenewed("e-5", "acme", "acme-1", Day.AddYears(1), new DateOnly(2026, 1, 14), Arr: 15_000m),
            new V1.ContractChurned("e-6", "acme", "acme-2", Day.AddYears(1), "budget"),
            new V1.EventVoided("e-7", "e-4", "entered twice"),
            new V1.RetentionCostRecorded("e-8", Day, "cs_team", 125_000m),
        ];

        var events = Read(V1.ContractJson.Serialize(batch)).Events;

        Assert.Equal(
            [new Events.ContractSigned("e-1", "acme", "acme-1", LocalDay, 12_000.5m, new LocalDate(2025, 1, 14), "core",
                new Events.CustomerDetails("Acme \"Ltd\" \u00e9", "enterprise", "dana"), null),
             new Events.ContractCrossSold("e-2", "acme", "acme-2", LocalDay.PlusDays(10), 4_000m, null, null, null, new Events.RecurringAmount(1_000m, 3)),
             new Events.ContractUpsold("e-3", "acme", "acme-1", LocalDay.PlusDays(20), 2_500m, null),
             new Events.ContractDownsold("e-4", "acme", "acme-1", LocalDay.PlusDays(30), 500m, new Events.CustomerDetails(null, "smb", null)),
             new Events.ContractRenewed("e-5", "acme", "acme-1", LocalDay.PlusYears(1), 15_000m, new LocalDate(2026, 1, 14), null, null),
             new Events.ContractChurned("e-6", "acme", "acme-2", LocalDay.PlusYears(1), "budget", null),
             new Events.EventVoided("e-7", "e-4", "entered twice"),
             new Events.RetentionCostRecorded("e-8", LocalDay, "cs_team", 125_000m)],
            events);
    }

    [Fact]
    public void every_signal_type_round_trips_into_the_engine_event_with_the_same_values()
    {
        V1.PublishedEvent[] batch =
        [
            new V1.NpsAnswered("s-1", "acme", Day, "cfo", 9, "great"),
            new V1.CsatAnswered("s-2", "acme", Day, "admin", 4, "1-5", "ticket-7"),
            new V1.UsageReported("s-3", "acme", Day, 50, 41, 900, ["reports"], Day.AddDays(-30)),
            new V1.EngagementRecorded("s-4", "acme", Day, "qbr", ["dana"]),
            new V1.RiskFlagged("s-5", "acme", Day, "champion_left", "high"),
            new V1.RiskCleared("s-6", "acme", Day.AddDays(5), "champion_left"),
            new V1.CustomerAssigned("s-7", "acme", Day, "dana", "high"),
        ];

        var events = Read(V1.ContractJson.Serialize(batch)).Events;

        Events.IPublishedEvent[] expected =
        [
            new Events.NpsAnswered("s-1", "acme", LocalDay, "cfo", 9, "great"),
            new Events.CsatAnswered("s-2", "acme", LocalDay, "admin", 4, "1-5", "ticket-7"),
            new Events.UsageReported("s-3", "acme", LocalDay, LocalDay.PlusDays(-30), 50, 41, 900, ["reports"]),
            new Events.EngagementRecorded("s-4", "acme", LocalDay, "qbr", ["dana"], null),
            new Events.RiskFlagged("s-5", "acme", LocalDay, "champion_left", "high", null),
            new Events.RiskCleared("s-6", "acme", LocalDay.PlusDays(5), "champion_left", null),
            new Events.CustomerAssigned("s-7", "acme", LocalDay, "dana", "high"),
        ];
        Assert.Equal(expected.Select(EventReceipt.FingerprintOf), events.Select(EventReceipt.FingerprintOf));
    }

    [Theory]
    [MemberData(nameof(EveryPeriod))]
    public void a_recurring_amount_for_every_period_reads_as_the_engine_normalises_it(int months)
    {
        var signed = new V1.ContractSigned("r-1", "acme", "acme-1", Day, RecurringAmount: 999_999.999999m, PeriodMonths: months);

        var read = Assert.IsType<Events.ContractSigned>(Assert.Single(Read(V1.ContractJson.Serialize(signed)).Events));

        Assert.Equal(Events.RecordedArr.FromRecurring(999_999.999999m, months), read.Arr);
        Assert.Equal(new Events.RecurringAmount(999_999.999999m, months), read.Recurring);
    }

    public static TheoryData<int> EveryPeriod() => [.. Enumerable.Range(1, 120)];

    [Fact]
    public void a_single_event_is_written_as_an_object_with_its_type_first()
    {
        var json = System.Text.Encoding.UTF8.GetString(V1.ContractJson.Serialize(new V1.ContractUpsold("u-1", "acme", "acme-1", Day, 10m)));

        Assert.StartsWith("""{"type":"contract.upsold",""", json);
        Assert.DoesNotContain("null", json);
    }

    [Fact]
    public void integration_events_read_back_as_written()
    {
        var changed = new V1.CustomerArrChanged("acme", "smb", Day, V1.MovementKinds.Expansion, 12_000m, 14_500m, ["e-3"],
            new DateTimeOffset(2024, 1, 20, 9, 30, 0, TimeSpan.Zero));

        var json = JsonSerializer.SerializeToUtf8Bytes(changed, V1.ContractJson.Options);

        var read = V1.ContractJson.Deserialize<V1.CustomerArrChanged>(json);
        Assert.Equal(changed with { EventIds = read.EventIds }, read);
        Assert.Equal(changed.EventIds, read.EventIds);
    }
}
