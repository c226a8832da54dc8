using CustomerSuccess.Metrics.Messaging;
using NodaTime;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>Arrival identifiers sort as messages arrived, compared as PostgreSQL compares uuids: byte by byte.</summary>
public class ArrivalOrderTests
{
    private sealed class SetClock(Instant now) : IClock
    {
        public Instant Now { get; set; } = now;

        public Instant GetCurrentInstant() => Now;
    }

    private static readonly Instant Start = Instant.FromUtc(2026, 11, 27, 9, 0);

    private static byte[] Stored(Guid id) => id.ToByteArray(bigEndian: true);

    private static void AssertRising(IReadOnlyList<Guid> ids)
    {
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(Stored(ids[i - 1]).AsSpan().SequenceCompareTo(Stored(ids[i])) < 0, $"{ids[i - 1]} is not before {ids[i]} (#{i})");
        }
    }

    [Fact]
    public void identifiers_taken_within_one_millisecond_rise_one_after_another()
    {
        var order = new ArrivalOrder(new SetClock(Start));

        var ids = Enumerable.Range(0, 10_000).Select(_ => order.Next()).ToList();

        AssertRising(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void an_identifier_begins_with_its_millisecond_and_a_later_millisecond_sorts_later()
    {
        var clock = new SetClock(Start);
        var order = new ArrivalOrder(clock);
        var first = order.Next();
        clock.Now = Start + Duration.FromMilliseconds(1);
        var second = order.Next();

        Assert.Equal(Start.ToUnixTimeMilliseconds(), Millisecond(first));
        Assert.Equal(Start.ToUnixTimeMilliseconds() + 1, Millisecond(second));
        AssertRising([first, second]);
    }

    [Fact]
    public void a_clock_that_steps_back_does_not_make_identifiers_fall()
    {
        var clock = new SetClock(Start);
        var order = new ArrivalOrder(clock);
        var ids = new List<Guid> { order.Next(), order.Next() };
        clock.Now = Start - Duration.FromSeconds(5);
        ids.Add(order.Next());
        ids.Add(order.Next());
        clock.Now = Start + Duration.FromMilliseconds(2);
        ids.Add(order.Next());

        AssertRising(ids);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), Millisecond(ids[3]));
    }

    private static long Millisecond(Guid id)
    {
        var bytes = Stored(id);
        return bytes.Take(6).Aggregate(0L, (value, b) => (value << 8) | b);
    }
}
