using JasperFx.Events;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// The tails the projection built for batches that did not come through the write side, kept in memory so
/// that the next batch touching the same customer need not read them back, and stored only when they must be.
/// A rebuild replays the whole log a page at a time and touches nearly every customer on every few pages; this
/// spares it a read and a write per customer per page. A tail is stored once it reflects the last event its
/// stream was known to have when the replay began, or when there is no room to remember it; until then the
/// stored tail lags behind the stream, which the projection detects by its version.
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
    private IReadOnlyDictionary<string, long>? _streamVersions;
    private long _highestSequence;

    /// <summary>How many stream versions <see cref="UseStreamVersions"/> is worth giving: as many as tails fit.</summary>
    public int Capacity => capacity;

    /// <summary>Whether the streams' versions are known for the replay under way.</summary>
    public bool KnowsStreamVersions
    {
        get
        {
            lock (_lock)
            {
                return _streamVersions is not null;
            }
        }
    }

    /// <summary>
    /// The versions of some or all streams, read at some moment since the replay began: each is at most the
    /// stream's last version. A tail behind its stream's version is not stored, since a later batch of the
    /// replay brings the stream's next events; a stream not given here has every tail stored.
    /// </summary>
    public void UseStreamVersions(IReadOnlyDictionary<string, long> versions)
    {
        lock (_lock)
        {
            _streamVersions ??= versions;
        }
    }

    /// <summary>
    /// Takes out the remembered tail of each stream that continues it exactly. A batch that does not begin past
    /// every event seen so far is a replay of the log, or a log that was reset: everything remembered is dropped,
    /// the streams' versions with it.
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
                _streamVersions = null;
            }

            _highestSequence = Math.Max(_highestSequence, last);
            foreach (var stream in streams)
            {
                if (_tails.Remove(stream.Key, out var tail) && tail.IsJustBefore(stream.First().Version))
                {
                    taken[stream.Key] = tail;
                }
            }
        }

        return taken;
    }

    /// <summary>
    /// Remembers tails just built while there is room, and returns those to store with the batch: each that has
    /// caught up with its stream's known version, and each there is no room to remember.
    /// </summary>
    public List<CustomerTail> Keep(IEnumerable<CustomerTail> tails)
    {
        var toStore = new List<CustomerTail>();
        lock (_lock)
        {
            foreach (var tail in tails)
            {
                var remembered = _tails.Count < capacity || _tails.ContainsKey(tail.Id);
                if (remembered)
                {
                    _tails[tail.Id] = tail;
                }

                if (!remembered || tail.Version >= (_streamVersions?.GetValueOrDefault(tail.Id) ?? 0))
                {
                    toStore.Add(tail);
                }
            }
        }

        return toStore;
    }
}
