using System.Text.Json;
using CustomerSuccess.Metrics.Movements;
using NodaTime;
using V1 = CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.ArrChanges;

/// <summary>One integration event, as the projection writes it to the feed: its type and its JSON in the wire format.</summary>
public sealed record FeedEntry(string Type, Instant RecordedAt, string CustomerId, string Json);

/// <summary>
/// What subscribers hear when a recorded event moves a customer's ARR: the ARR movements (new, expansion, contraction,
/// churn, reactivation) that one knowledge step learns or gives up. A day that had no movement and gains one is a
/// <c>customer.arr_changed</c>; a day whose movement is replaced or withdrawn (by a backdated event, a void, or an event
/// that changes the ARR every later day starts from) is a <c>customer.arr_restated</c> naming what it replaces.
/// Segment transfers are not ARR movements and are not published.
/// </summary>
public static class ArrChangeFeed
{
    public const string ArrChanged = "customer.arr_changed";
    public const string ArrRestated = "customer.arr_restated";

    public static IEnumerable<FeedEntry> Between(
        string customerId, IReadOnlyList<Movement> believed, IReadOnlyList<Movement> next, Instant recordedAt)
    {
        var retracted = believed.Where(b => IsArrMovement(b) && !next.Any(n => n.SameAs(b))).ToList();
        var added = next.Where(n => IsArrMovement(n) && !believed.Any(b => b.SameAs(n))).ToList();
        foreach (var date in retracted.Select(m => m.Date).Union(added.Select(m => m.Date)).Order())
        {
            var before = retracted.Where(m => m.Date == date).ToList();
            var after = added.Where(m => m.Date == date).ToList();
            if (before.Count == 0)
            {
                foreach (var movement in after)
                {
                    yield return Entry(ArrChanged, customerId, recordedAt, Changed(customerId, movement, recordedAt));
                }

                continue;
            }

            for (var i = 0; i < Math.Max(before.Count, after.Count); i++)
            {
                var replaces = i < before.Count ? Changed(customerId, before[i], recordedAt) : null;
                var current = i < after.Count ? Changed(customerId, after[i], recordedAt) : null;
                yield return Entry(ArrRestated, customerId, recordedAt,
                    new V1.CustomerArrRestated(customerId, date.ToDateOnly(), replaces, current, recordedAt.ToDateTimeOffset()));
            }
        }
    }

    private static bool IsArrMovement(Movement movement) => MovementKinds.Bridge.Contains(movement.Kind);

    private static V1.CustomerArrChanged Changed(string customerId, Movement movement, Instant recordedAt) => new(
        customerId, movement.Segment, movement.Date.ToDateOnly(), movement.Kind, movement.ArrBefore, movement.ArrAfter,
        movement.EventIds, recordedAt.ToDateTimeOffset());

    private static FeedEntry Entry<T>(string type, string customerId, Instant recordedAt, T message) =>
        new(type, recordedAt, customerId, JsonSerializer.Serialize(message, V1.ContractJson.Options));
}
