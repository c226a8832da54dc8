using JasperFx.Events;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// The tails the projection wrote for batches that did not come through the write side, kept in memory so
/// that the next batch touching the same customer need not read them back. A rebuild replays the whole log
/// a page at a time and touches nearly every customer on every few pages; this spares it a read per customer
/// per page.
/// A remembered tail is trusted only as the state just before the batch's first event of that stream: its
/// version must be the one before it. A tail from a batch that was then rolled back reflects events the log
/// never kept, and the stream's next event reuses a version it already passed, so it is never taken. Each
/// tail is taken out when used, so two sessions never change one object. The write side reads every tail
/// itself under the recording clock's lock and neither consults nor fills this memory, so in a host it serves
/// rebuilds, which commit one page before projecting the next.
/// </summary>
internal sealed class TailMemory(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CustomerTail> _tails = new(StringComparer.Ordinal);
    private long _highestSequence;

    /// <summary>
    /// Takes out the remembered tail of each stream that continues it exactly. A batch that does not begin past
    /// every event seen so far is a replay of the log, or a log that was reset: everything remembered is dropped.
    /// </summary>
    public Dictionary<string, CustomerTail> Take(IReadOnlyList<IGrouping<string, IEvent>> streams)
    {
        var taken = new Dictionary<string, CustomerTail>(StringComparer.Ordinal);
        if (streams.Count == 0)
        {
            return taken;
        }

        var first = streams.Min(s => s.First().Sequence);
        var last = streams.Max(s => s.Last().Sequence);
        lock (_lock)
        {
            if (first <= _highestSequence)
            {
                _tails.Clear();
            }

            _highestSequence = Math.Max(_highestSequence, last);
            foreach (var stream in streams)
            {
                if (_tails.Remove(stream.Key, out var tail) && tail.Version == stream.First().Version - 1)
                {
                    taken[stream.Key] = tail;
                }
            }
        }

        return taken;
    }

    /// <summary>Remembers tails just written; once full, it starts over rather than grow.</summary>
    public void Keep(IEnumerable<CustomerTail> tails)
    {
        lock (_lock)
        {
            foreach (var tail in tails)
            {
                if (_tails.Count >= capacity && !_tails.ContainsKey(tail.Id))
                {
                    _tails.Clear();
                }

                _tails[tail.Id] = tail;
            }
        }
    }
}
