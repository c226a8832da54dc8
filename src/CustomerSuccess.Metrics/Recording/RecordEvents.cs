using System.Runtime.InteropServices;
using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Telemetry;
using JasperFx.Events;
using Marten;
using JasperFx;
using NodaTime;
using Npgsql;

namespace CustomerSuccess.Metrics.Recording;

public static class RecordStatus
{
    public const string Appended = "appended";
    public const string Duplicate = "duplicate";
}

public sealed record RecordedEvent(string EventId, string Status);

public sealed record RecordOutcome(IReadOnlyList<RecordedEvent> Results, Refusal? Refusal, Instant? RecordedAt);

/// <summary>How events reached the store, kept with each: <see cref="Http"/> or <see cref="Bus"/>.</summary>
public static class Transports
{
    public const string Http = "http";
    public const string Bus = "bus";
}

/// <summary>
/// Who sent a batch, kept in each appended event's headers: the name of the API key that sent it (null when none
/// stands behind it, as on the bus) and the way it came in (<see cref="Transports"/>).
/// </summary>
public sealed record Sender(string? PublishedBy, string Via)
{
    public const string PublishedByHeader = "publishedBy";
    public const string ViaHeader = "via";

    public static readonly Sender Bus = new(null, Transports.Bus);
}

/// <summary>
/// Appends batches of validated events, each atomically: every event is decided against its customer's whole
/// timeline (with the events before it), duplicates are recognised by eventId and fingerprint, and either
/// everything new in a batch is appended at the batch's recorded instant or nothing of it is.
/// <para>
/// Batches arriving while a commit is in flight wait and are then committed together, in arrival order, in one
/// transaction (group commit): each is still decided on its own, answered with its own outcome and recorded at an
/// instant of its own, strictly after the one before it, so many small writers do not queue one transaction each.
/// The store numbers a transaction's events stream by stream; a batch whose events would be numbered before those of
/// an earlier batch waits for the next transaction, so recorded instants rise with the store's sequence.
/// </para>
/// </summary>
public sealed class RecordEvents(IDocumentStore store, ReadModelTables tables, RecordingClock recordingClock)
{
    /// <summary>The most batches one commit takes in.</summary>
    public const int MaxBatchesPerCommit = 256;

    /// <summary>The most events one commit takes in, unless a single batch holds more.</summary>
    public const int MaxEventsPerCommit = 5_000;

    private const int Attempts = 5;

    private readonly Lock _gate = new();
    private readonly Queue<Waiting> _waiting = new();
    private bool _committing;
    private volatile bool _receiptsKept;

    /// <summary>Records one batch, committed alone or together with batches sent at the same time.</summary>
    public async Task<RecordOutcome> HandleAsync(IReadOnlyList<IPublishedEvent> events, Sender sender, CancellationToken cancellation)
    {
        var waiting = new Waiting(events, sender);
        bool start;
        lock (_gate)
        {
            _waiting.Enqueue(waiting);
            start = !_committing;
            _committing = true;
        }

        if (start)
        {
            _ = Task.Run(CommitWaitingAsync, CancellationToken.None);
        }

        // A caller that stops waiting does not withdraw its batch: it may be committed already, and a resend is a duplicate.
        return await waiting.Outcome.Task.WaitAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Records several batches in order, each atomically, in as few transactions as the bounds of one commit allow;
    /// one outcome per batch.
    /// </summary>
    public async Task<IReadOnlyList<RecordOutcome>> HandleAllAsync(
        IReadOnlyList<IReadOnlyList<IPublishedEvent>> batches, Sender sender, CancellationToken cancellation)
    {
        var outcomes = new List<RecordOutcome>(batches.Count);
        var start = 0;
        while (start < batches.Count)
        {
            var end = start + 1;
            var events = batches[start].Count;
            while (end < batches.Count && end - start < MaxBatchesPerCommit && events + batches[end].Count <= MaxEventsPerCommit)
            {
                events += batches[end++].Count;
            }

            var group = batches.Skip(start).Take(end - start).ToArray();
            outcomes.AddRange(await CommitAllAsync(group, [.. group.Select(_ => sender)], cancellation).ConfigureAwait(false));
            start = end;
        }

        return outcomes;
    }

    /// <summary>Records several batches in order, each atomically, in as few transactions as recorded order allows; one outcome per batch.</summary>
    private async Task<IReadOnlyList<RecordOutcome>> CommitAllAsync(
        IReadOnlyList<IReadOnlyList<IPublishedEvent>> batches, IReadOnlyList<Sender> senders, CancellationToken cancellation)
    {
        var outcomes = new List<RecordOutcome>(batches.Count);
        while (outcomes.Count < batches.Count)
        {
            var done = outcomes.Count;
            outcomes.AddRange(await CommitFirstAsync([.. batches.Skip(done)], [.. senders.Skip(done)], cancellation).ConfigureAwait(false));
        }

        return outcomes;
    }

    /// <summary>
    /// Records the first of the batches, and as many after it as keep recorded order, in one transaction, each
    /// atomically; one outcome for each batch committed.
    /// </summary>
    private async Task<IReadOnlyList<RecordOutcome>> CommitFirstAsync(
        IReadOnlyList<IReadOnlyList<IPublishedEvent>> batches, IReadOnlyList<Sender> senders, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcomes = await TryRecordAsync(batches, senders, cancellation).ConfigureAwait(false);
                for (var i = 0; i < outcomes.Count; i++)
                {
                    Count(batches[i], outcomes[i]);
                }

                return outcomes;
            }
            catch (Exception e) when (attempt < Attempts && IsWriteConflict(e))
            {
                // Another writer got there first; decide again against what it committed.
            }
        }
    }

    private static void Count(IReadOnlyList<IPublishedEvent> batch, RecordOutcome outcome)
    {
        foreach (var (e, result) in batch.Zip(outcome.Results))
        {
            if (result.Status == RecordStatus.Appended)
            {
                EngineTelemetry.EventsRecorded.Add(1, new KeyValuePair<string, object?>("type", EventTypeNames.Of(e)));
            }
            else
            {
                EngineTelemetry.Duplicates.Add(1);
            }
        }
    }

    private async Task CommitWaitingAsync()
    {
        while (true)
        {
            List<Waiting> group;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _committing = false;
                    return;
                }

                group = TakeGroup();
            }

            await CommitAsync(group).ConfigureAwait(false);
        }
    }

    private List<Waiting> TakeGroup()
    {
        var group = new List<Waiting> { _waiting.Dequeue() };
        var events = group[0].Events.Count;
        while (group.Count < MaxBatchesPerCommit && _waiting.TryPeek(out var next) && events + next.Events.Count <= MaxEventsPerCommit)
        {
            group.Add(_waiting.Dequeue());
            events += next.Events.Count;
        }

        return group;
    }

    private async Task CommitAsync(List<Waiting> group)
    {
        while (group.Count > 0)
        {
            IReadOnlyList<RecordOutcome> outcomes;
            try
            {
                outcomes = await CommitFirstAsync([.. group.Select(w => w.Events)], [.. group.Select(w => w.Sender)], CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (Exception) when (group.Count > 1)
            {
                // Whatever failed the whole commit, no batch may fail for another's sake: each is tried again alone.
                foreach (var waiting in group)
                {
                    await CommitAsync([waiting]).ConfigureAwait(false);
                }

                return;
            }
            catch (Exception e)
            {
                group[0].Outcome.TrySetException(e);
                return;
            }

            for (var i = 0; i < outcomes.Count; i++)
            {
                group[i].Outcome.TrySetResult(outcomes[i]);
            }

            group = group[outcomes.Count..];
        }
    }

    /// <summary>
    /// Records nothing while the read models cannot be trusted: a store that holds events but no receipts or recorded
    /// instants, as one written by an earlier version does, or one whose projection is being rebuilt or whose last
    /// rebuild did not finish. Once found complete they are not looked at again; a rebuild is looked for every time.
    /// </summary>
    private async Task EnsureReadModelsCurrentAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        if (!_receiptsKept)
        {
            switch (await EventReceipts.AreKeptAsync(connection, tables, cancellation).ConfigureAwait(false))
            {
                case true:
                    _receiptsKept = true;
                    break;
                case false:
                    throw new ReadModelsOutdatedException(
                        "The event store holds events that its read models do not reflect: it was written by an earlier version. Run " +
                        "`projections rebuild` once, then send again; nothing was recorded.");
            }
        }

        if (await LedgerProjection.IsRebuildingAsync(connection, tables, cancellation).ConfigureAwait(false))
        {
            throw new ReadModelsOutdatedException(
                "The read models are being rebuilt, or their last rebuild did not finish. Send again once " +
                "`projections rebuild` has finished (run it again if none is running); nothing was recorded.");
        }
    }

    private static bool IsWriteConflict(Exception e) =>
        e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException
            or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
        || e.InnerException is not null && IsWriteConflict(e.InnerException);

    private async Task<IReadOnlyList<RecordOutcome>> TryRecordAsync(
        IReadOnlyList<IReadOnlyList<IPublishedEvent>> batches, IReadOnlyList<Sender> senders, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        var first = await recordingClock.StampAsync(session.Connection, batches.Count, cancellation).ConfigureAwait(false);
        await EnsureReadModelsCurrentAsync(session.Connection, cancellation).ConfigureAwait(false);

        // A refused batch leaves no trace in the others' decisions: they are decided again without it.
        var refusals = new Refusal?[batches.Count];
        while (true)
        {
            var decided = await DecideAsync(session, batches, senders, refusals, first, cancellation).ConfigureAwait(false);
            if (decided is null)
            {
                continue;
            }

            var (batch, results) = decided.Value;
            if (batch.AppendPending())
            {
                await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
            }

            return [.. results.Select((r, i) => refusals[i] is { } refusal
                ? new RecordOutcome([], refusal, null)
                : new RecordOutcome(r!, null, batch.Appended(i) ? RecordingClock.Later(first, i) : null))];
        }
    }

    /// <summary>
    /// Decides every batch not yet refused, in order, up to the first that would break recorded order, which waits for
    /// the next transaction with every batch after it; the results cover the batches before it. Null when one is
    /// refused: its refusal is noted and the rest must be decided again without it.
    /// </summary>
    private async Task<(Batch, List<RecordedEvent>?[])?> DecideAsync(
        IDocumentSession session, IReadOnlyList<IReadOnlyList<IPublishedEvent>> batches, IReadOnlyList<Sender> senders, Refusal?[] refusals,
        Instant first, CancellationToken cancellation)
    {
        var live = Enumerable.Range(0, batches.Count).Where(i => refusals[i] is null).ToArray();
        var batch = await Batch.LoadAsync(session, tables, [.. live.SelectMany(i => batches[i])], cancellation).ConfigureAwait(false);
        var results = new List<RecordedEvent>?[batches.Count];
        foreach (var i in live)
        {
            if (!batch.KeepsRecordedOrder(batches[i]))
            {
                return (batch, results[..i]);
            }

            var stamp = RecordingClock.Later(first, i);
            var recorded = new List<RecordedEvent>(batches[i].Count);
            foreach (var e in batches[i])
            {
                var (status, refusal) = batch.Decide(e, i, stamp, senders[i]);
                if (refusal is not null)
                {
                    refusals[i] = refusal;
                    return null;
                }

                recorded.Add(new RecordedEvent(e.EventId, status!));
            }

            results[i] = recorded;
        }

        return (batch, results);
    }

    private sealed class Waiting(IReadOnlyList<IPublishedEvent> events, Sender sender)
    {
        public IReadOnlyList<IPublishedEvent> Events { get; } = events;

        public Sender Sender { get; } = sender;

        public TaskCompletionSource<RecordOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The working state of one commit: receipts, customers and what to append, with the batch each event came in.</summary>
    private sealed class Batch(IDocumentSession session, ReadModelTables tables, Dictionary<string, EventReceipt> receipts)
    {
        private readonly Dictionary<string, EventReceipt> _receipts = receipts;
        private readonly Dictionary<string, WorkingCustomer> _customers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<(IPublishedEvent Event, Instant Stamp, Sender Sender)>> _pending = new(StringComparer.Ordinal);
        private readonly List<string> _pendingOrder = [];
        private readonly HashSet<int> _appendingBatches = [];
        private long _nextSequence = long.MaxValue / 2;

        /// <summary>A commit's working state, with the receipts, tails and whole timelines its events need.</summary>
        public static async Task<Batch> LoadAsync(
            IDocumentSession session, ReadModelTables tables, IReadOnlyList<IPublishedEvent> events, CancellationToken cancellation)
        {
            var ids = events.Select(e => e.EventId)
                .Concat(events.OfType<EventVoided>().Select(v => v.VoidedEventId))
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            var batch = new Batch(
                session, tables, await EventReceipts.LoadAsync(session.Connection, tables, ids, cancellation).ConfigureAwait(false));
            await batch.LoadCustomersAsync(events, cancellation).ConfigureAwait(false);
            return batch;
        }

        private async Task LoadCustomersAsync(IReadOnlyList<IPublishedEvent> events, CancellationToken cancellation)
        {
            // Every customer this request touches, read in one round trip.
            var customers = events.OfType<IContractEvent>().Select(e => e.CustomerId)
                .Concat(events.OfType<EventVoided>().Select(VoidedCustomer).OfType<string>())
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            var tails = await CustomerTails.LoadAsync(session, tables, customers, cancellation).ConfigureAwait(false);
            foreach (var customerId in customers)
            {
                var tail = tails.GetValueOrDefault(customerId);
                _customers[customerId] = new WorkingCustomer(tail?.Version ?? 0, tail ?? new CustomerTail { Id = customerId });
            }

            // Backdated events and voids are decided against the whole timeline: read those streams back.
            var needing = NeedingWholeTimeline(events);
            var histories = await CustomerStreams.ReadAsync(
                session, [.. needing.Where(c => _customers[c].StoredVersion > 0)], cancellation).ConfigureAwait(false);
            foreach (var customerId in needing)
            {
                _customers[customerId].Ledger = CustomerLedger.FromEvents(customerId, histories.GetValueOrDefault(customerId) ?? []);
            }
        }

        private string? VoidedCustomer(EventVoided voided) =>
            _receipts.GetValueOrDefault(voided.VoidedEventId)?.StreamKey is { } key && StreamKeys.IsCustomer(key) ? key : null;

        /// <summary>
        /// The customers that an event of this request may not land at the end of: voided, or given an event
        /// dated before the latest one known or sent before it.
        /// </summary>
        private HashSet<string> NeedingWholeTimeline(IReadOnlyList<IPublishedEvent> events)
        {
            var latest = _customers.ToDictionary(c => c.Key, c => c.Value.Tail.LastDate, StringComparer.Ordinal);
            var sentHere = new Dictionary<string, string>(StringComparer.Ordinal);
            var needing = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in events)
            {
                switch (e)
                {
                    case IContractEvent c:
                        if (!CustomerTail.Follows(ref CollectionsMarshal.GetValueRefOrNullRef(latest, c.CustomerId), c.EffectiveDate))
                        {
                            needing.Add(c.CustomerId);
                        }

                        sentHere.TryAdd(c.EventId, c.CustomerId);
                        break;
                    case EventVoided v when (VoidedCustomer(v) ?? sentHere.GetValueOrDefault(v.VoidedEventId)) is { } customerId:
                        needing.Add(customerId);
                        break;
                }
            }

            return needing;
        }

        /// <summary>
        /// Whether the batch's new events would be numbered after every event pending before it. The store numbers a
        /// commit's events stream by stream, in the order the streams were first appended to, so they would unless the
        /// batch adds to a pending stream other than the last one begun.
        /// </summary>
        public bool KeepsRecordedOrder(IEnumerable<IPublishedEvent> events) =>
            events.Where(e => !_receipts.ContainsKey(e.EventId))
                .Select(e => e switch
                {
                    IContractEvent c => c.CustomerId,
                    EventVoided v => _receipts.GetValueOrDefault(v.VoidedEventId)?.StreamKey,
                    ISignalEvent => StreamKeys.Signals,
                    _ => StreamKeys.RetentionCosts,
                })
                .All(streamKey => streamKey is null || !_pending.ContainsKey(streamKey) || streamKey == _pendingOrder[^1]);

        /// <summary>Whether the batch at this position in the commit has anything new to append.</summary>
        public bool Appended(int batchIndex) => _appendingBatches.Contains(batchIndex);

        public (string? Status, Refusal? Refusal) Decide(IPublishedEvent e, int batchIndex, Instant stamp, Sender sender)
        {
            if (_receipts.TryGetValue(e.EventId, out var existing))
            {
                return ReceiptDecider.Resend(existing, e) is { } conflict ? (null, conflict) : (RecordStatus.Duplicate, null);
            }

            var (streamKey, refusal) = e switch
            {
                IContractEvent contractEvent => (contractEvent.CustomerId,
                    _customers[contractEvent.CustomerId].Decide(TimelineEntry.From(contractEvent, _nextSequence++, stamp))),
                EventVoided voided => DecideVoid(voided, stamp),
                RetentionCostRecorded => (StreamKeys.RetentionCosts, null),
                ISignalEvent => (StreamKeys.Signals, null),
                _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown event type"),
            };

            if (refusal is not null)
            {
                return (null, refusal);
            }

            // The projection writes the receipt with the event; this one lets later events of the request see it.
            _receipts[e.EventId] = EventReceipt.For(e, streamKey!);
            Pending(streamKey!).Add((e, stamp, sender));
            _appendingBatches.Add(batchIndex);
            return (RecordStatus.Appended, null);
        }

        private (string?, Refusal?) DecideVoid(EventVoided e, Instant stamp)
        {
            var target = _receipts.GetValueOrDefault(e.VoidedEventId);
            if (ReceiptDecider.VoidTarget(e, target) is { } refused)
            {
                return (null, refused);
            }

            var refusal = !StreamKeys.IsCustomer(target!.StreamKey)
                ? null
                : _customers[target.StreamKey].DecideVoid(new VoidEntry(e.EventId, e.VoidedEventId, _nextSequence++, stamp, e.Reason));
            if (refusal is null)
            {
                target.VoidedBy = e.EventId;
            }

            return (target.StreamKey, refusal);
        }

        private List<(IPublishedEvent Event, Instant Stamp, Sender Sender)> Pending(string streamKey)
        {
            if (!_pending.TryGetValue(streamKey, out var list))
            {
                _pending[streamKey] = list = [];
                _pendingOrder.Add(streamKey);
            }

            return list;
        }

        /// <summary>
        /// Queues every new event with its batch's recorded instant, stream by stream in the order the streams were
        /// begun; false when there is nothing new. A new customer's stream is appended to, not started: the store
        /// numbers the events of the streams it starts after all those it appends to.
        /// </summary>
        public bool AppendPending()
        {
            foreach (var streamKey in _pendingOrder)
            {
                var pending = _pending[streamKey];
                var events = pending.Select(p => p.Event).ToArray();
                var action = !StreamKeys.IsCustomer(streamKey)
                    ? session.Events.Append(streamKey, events)
                    : session.Events.Append(streamKey, _customers[streamKey].StoredVersion + events.Length, events);

                foreach (var (e, (_, stamp, sender)) in action.Events.Zip(pending))
                {
                    e.Timestamp = stamp.ToDateTimeOffset();
                    e.SetHeader(Sender.ViaHeader, sender.Via);
                    if (sender.PublishedBy is { } name)
                    {
                        e.SetHeader(Sender.PublishedByHeader, name);
                    }
                }
            }

            return _pending.Count > 0;
        }
    }

    /// <summary>
    /// A customer as stored, plus what this request has decided so far. Decided against the tail, or against
    /// the whole ledger when the request holds a backdated event or a void for the customer.
    /// </summary>
    private sealed class WorkingCustomer(long storedVersion, CustomerTail tail)
    {
        public long StoredVersion { get; } = storedVersion;

        public CustomerTail Tail { get; } = tail;

        public CustomerLedger? Ledger { get; set; }

        public Refusal? Decide(TimelineEntry candidate)
        {
            if (Ledger is not null)
            {
                var refusal = CustomerDecider.Decide(Ledger, candidate);
                if (refusal is null)
                {
                    Ledger.Entries.Add(candidate);
                }

                return refusal;
            }

            if (!Tail.IsAtEnd(candidate))
            {
                throw new InvalidOperationException($"'{candidate.EventId}' is backdated but the timeline of '{Tail.Id}' was not read");
            }

            var atEnd = CustomerDecider.DecideAtEnd(Tail, candidate);
            if (atEnd is null)
            {
                Tail.Append(candidate);
            }

            return atEnd;
        }

        public Refusal? DecideVoid(VoidEntry voidEntry)
        {
            var ledger = Ledger ?? throw new InvalidOperationException($"The timeline of '{Tail.Id}' was not read for a void");
            var refusal = CustomerDecider.DecideVoid(ledger, voidEntry);
            if (refusal is null)
            {
                ledger.Voids.Add(voidEntry);
            }

            return refusal;
        }
    }
}
