using CustomerSuccess.Metrics.Ledger;
using JasperFx.Events;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>A remembered tail may stand in for the stored one only when it is exactly the state before the batch.</summary>
public class TailMemoryTests
{
    private static IGrouping<string, IEvent> Stream(string customerId, long firstVersion, long firstSequence, int count = 1) =>
        Enumerable.Range(0, count)
            .Select(i => (IEvent)new Event<string>("event")
            {
                StreamKey = customerId, Version = firstVersion + i, Sequence = firstSequence + i,
            })
            .GroupBy(e => e.StreamKey!)
            .Single();

    private static CustomerTail Tail(string customerId, long version) => new() { Id = customerId, Version = version };

    [Fact]
    public void a_tail_is_taken_when_it_reflects_every_event_before_the_batch()
    {
        var memory = new TailMemory(capacity: 10);
        var kept = Tail("acme", 3);
        memory.Keep([kept]);

        var taken = memory.Take([Stream("acme", firstVersion: 4, firstSequence: 10)]);

        Assert.Same(kept, taken["acme"]);
    }

    [Fact]
    public void a_tail_of_another_version_is_not_taken_and_is_forgotten()
    {
        var memory = new TailMemory(capacity: 10);
        // As after a batch that was rolled back: the stream's next event reuses a version the tail passed.
        memory.Keep([Tail("acme", 5)]);

        Assert.Empty(memory.Take([Stream("acme", firstVersion: 4, firstSequence: 10)]));
        memory.Keep([Tail("acme", 4)]);
        Assert.Empty(memory.Take([Stream("acme", firstVersion: 6, firstSequence: 20)]));
    }

    [Fact]
    public void a_tail_is_taken_once()
    {
        var memory = new TailMemory(capacity: 10);
        memory.Keep([Tail("acme", 3)]);

        Assert.Single(memory.Take([Stream("acme", firstVersion: 4, firstSequence: 10)]));
        Assert.Empty(memory.Take([Stream("acme", firstVersion: 4, firstSequence: 11)]));
    }

    [Fact]
    public void a_batch_that_goes_back_in_the_log_forgets_everything()
    {
        var memory = new TailMemory(capacity: 10);
        memory.Take([Stream("acme", firstVersion: 1, firstSequence: 1, count: 3)]);
        memory.Keep([Tail("acme", 3), Tail("globex", 7)]);

        // A replay from the start of the log, or a log that was reset and written again.
        Assert.Empty(memory.Take([Stream("globex", firstVersion: 8, firstSequence: 2)]));
        Assert.Empty(memory.Take([Stream("acme", firstVersion: 4, firstSequence: 5)]));
    }

    [Fact]
    public void a_full_memory_starts_over_rather_than_grow()
    {
        var memory = new TailMemory(capacity: 2);
        memory.Keep([Tail("a", 1), Tail("b", 1)]);
        memory.Keep([Tail("b", 2)]);
        memory.Keep([Tail("c", 1)]);

        var taken = memory.Take([Stream("a", 2, 10), Stream("b", 3, 11), Stream("c", 2, 12)]);

        Assert.Equal(["c"], taken.Keys);
    }
}
