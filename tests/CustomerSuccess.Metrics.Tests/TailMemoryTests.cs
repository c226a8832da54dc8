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
    public void a_full_memory_remembers_no_more_and_has_the_rest_stored()
    {
        var memory = new TailMemory(capacity: 2);
        memory.UseStreamVersions(new Dictionary<string, long> { ["a"] = 9, ["b"] = 9, ["c"] = 9 });
        Assert.Empty(memory.Keep([Tail("a", 1), Tail("b", 1)]));
        Assert.Empty(memory.Keep([Tail("b", 2)]));

        var stored = memory.Keep([Tail("c", 1)]);

        Assert.Equal(["c"], stored.Select(t => t.Id));
        var taken = memory.Take([Stream("a", 2, 10), Stream("b", 3, 11), Stream("c", 2, 12)]);
        Assert.Equal(["a", "b"], taken.Keys.Order());
    }

    [Fact]
    public void a_tail_is_stored_once_it_reaches_its_streams_known_version()
    {
        var memory = new TailMemory(capacity: 10);
        memory.UseStreamVersions(new Dictionary<string, long> { ["acme"] = 3 });

        Assert.Empty(memory.Keep([Tail("acme", 2)]));
        Assert.Single(memory.Keep([Tail("acme", 3)]));
        // Events appended since the versions were read: the stream has gone past what was known of it.
        Assert.Single(memory.Keep([Tail("acme", 4)]));
        // A stream whose version is not known has every tail stored.
        Assert.Single(memory.Keep([Tail("globex", 1)]));
    }

    [Fact]
    public void every_tail_is_stored_until_the_streams_versions_are_known()
    {
        var memory = new TailMemory(capacity: 10);

        Assert.Equal(2, memory.Keep([Tail("acme", 1), Tail("globex", 5)]).Count);
        Assert.False(memory.KnowsStreamVersions);
    }

    [Fact]
    public void a_replay_forgets_the_streams_versions()
    {
        var memory = new TailMemory(capacity: 10);
        memory.Take([Stream("acme", firstVersion: 1, firstSequence: 1, count: 3)]);
        memory.UseStreamVersions(new Dictionary<string, long> { ["acme"] = 9 });
        Assert.True(memory.KnowsStreamVersions);

        memory.Take([Stream("acme", firstVersion: 1, firstSequence: 1)]);

        Assert.False(memory.KnowsStreamVersions);
        Assert.Single(memory.Keep([Tail("acme", 1)]));
    }
}
