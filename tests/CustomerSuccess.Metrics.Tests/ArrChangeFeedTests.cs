using System.Text.Json;
using CustomerSuccess.Metrics.ArrChanges;
using CustomerSuccess.Metrics.Movements;
using NodaTime;
using V1 = CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.Tests;

public class ArrChangeFeedTests
{
    private static readonly Instant At = Instant.FromUtc(2025, 1, 1, 9, 0);

    private static Movement Move(int day, string kind, decimal before, decimal after, params string[] eventIds) =>
        new(new LocalDate(2024, 1, day), kind, "smb", Math.Abs(after - before), after - before, 0, eventIds, before, after, "smb");

    [Fact]
    public void a_day_that_gains_a_movement_is_a_change_with_the_customers_arr_before_and_after()
    {
        var upsell = Move(2, MovementKinds.Expansion, 100, 150, "e-2");

        var entry = Assert.Single(ArrChangeFeed.Between("acme", [Move(1, MovementKinds.New, 0, 100, "e-1")],
            [Move(1, MovementKinds.New, 0, 100, "e-1"), upsell], At));

        Assert.Equal(ArrChangeFeed.ArrChanged, entry.Type);
        var read = JsonSerializer.Deserialize<V1.CustomerArrChanged>(entry.Json, V1.ContractJson.Options)!;
        Assert.Equal(new V1.CustomerArrChanged("acme", "smb", new DateOnly(2024, 1, 2), "expansion", 100, 150, read.EventIds, At.ToDateTimeOffset()), read);
        Assert.Equal(["e-2"], read.EventIds);
    }

    [Fact]
    public void a_replaced_movement_and_a_withdrawn_one_are_restatements_naming_what_they_replace()
    {
        var believed = new[] { Move(1, MovementKinds.New, 0, 100, "e-1"), Move(3, MovementKinds.Expansion, 100, 150, "e-3"), Move(4, MovementKinds.Churn, 150, 0, "e-4") };
        var next = new[] { Move(1, MovementKinds.New, 0, 100, "e-1"), Move(2, MovementKinds.Contraction, 100, 90, "e-2"), Move(3, MovementKinds.Expansion, 90, 140, "e-3") };

        var entries = ArrChangeFeed.Between("acme", believed, next, At).ToList();

        Assert.Equal([ArrChangeFeed.ArrChanged, ArrChangeFeed.ArrRestated, ArrChangeFeed.ArrRestated], entries.Select(e => e.Type));
        var replaced = JsonSerializer.Deserialize<V1.CustomerArrRestated>(entries[1].Json, V1.ContractJson.Options)!;
        Assert.Equal((100m, 150m, 90m, 140m), (replaced.Replaces!.ArrBefore, replaced.Replaces.ArrAfter, replaced.Current!.ArrBefore, replaced.Current.ArrAfter));
        var withdrawn = JsonSerializer.Deserialize<V1.CustomerArrRestated>(entries[2].Json, V1.ContractJson.Options)!;
        Assert.Equal("churn", withdrawn.Replaces!.Movement);
        Assert.Null(withdrawn.Current);
    }

    [Fact]
    public void segment_transfers_and_unchanged_days_are_not_published()
    {
        var kept = Move(1, MovementKinds.New, 0, 100, "e-1");

        Assert.Empty(ArrChangeFeed.Between("acme", [kept], [kept, Move(2, MovementKinds.TransferOut, 100, 100, "e-2"), Move(2, MovementKinds.TransferIn, 100, 100, "e-2")], At));
    }
}
