using System.Runtime.InteropServices;
using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
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

/// <summary>
/// Appends a batch of validated events atomically: each event is decided against its customer's whole
/// timeline (with the events before it in the batch), duplicates are recognised by eventId and
/// fingerprint, and either everything new is appended at one recorded instant or nothing is.
/// </summary>
public sealed class RecordEvents(IDocumentStore store, ReadModelTables tables, RecordingClock recordingClock)
{
    private const int Attempts = 5;

    private volatile bool _receiptsKept;

    public async Task<RecordOutcome> HandleAsync(IReadOnlyList<IPublishedEvent> events, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryRecordAsync(events, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < Attempts && IsWriteConflict(e))
            {
                // Another writer got there first; decide again against what it committed.
            }
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

    private async Task<RecordOutcome> TryRecordAsync(IReadOnlyList<IPublishedEvent> events, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        var stamp = await recordingClock.StampAsync(session.Connection, cancellation).ConfigureAwait(false);
        await EnsureReadModelsCurrentAsync(session.Connection, cancellation).ConfigureAwait(false);

        var batch = await Batch.LoadAsync(session, tables, stamp, events, cancellation).ConfigureAwait(false);

        var results = new List<RecordedEvent>(events.Count);
        foreach (var e in events)
        {
            var (status, refusal) = batch.Decide(e);
            if (refusal is not null)
            {
                return new RecordOutcome([], refusal, null);
            }

            results.Add(new RecordedEvent(e.EventId, status!));
        }

        if (!batch.AppendPending())
        {
            return new RecordOutcome(results, null, null);
        }

        await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
        return new RecordOutcome(results, null, stamp);
    }

    /// <summary>The working state of one request: receipts, customers and what to append.</summary>
    private sealed class Batch(IDocumentSession session, ReadModelTables tables, Instant stamp, Dictionary<string, EventReceipt> receipts)
    {
        private readonly Dictionary<string, EventReceipt> _receipts = receipts;
        private readonly Dictionary<string, WorkingCustomer> _customers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<IPublishedEvent>> _pending = new(StringComparer.Ordinal);
        private long _nextSequence = long.MaxValue / 2;

        /// <summary>A request's batch, with the receipts, tails and whole timelines its events need.</summary>
        public static async Task<Batch> LoadAsync(
            IDocumentSession session, ReadModelTables tables, Instant stamp, IReadOnlyList<IPublishedEvent> events, CancellationToken cancellation)
        {
            var ids = events.Select(e => e.EventId)
                .Concat(events.OfType<EventVoided>().Select(v => v.VoidedEventId))
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            var batch = new Batch(
                session, tables, stamp, await EventReceipts.LoadAsync(session.Connection, tables, ids, cancellation).ConfigureAwait(false));
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
            _receipts.GetValueOrDefault(voided.VoidedEventId)?.StreamKey is { } key && key != StreamKeys.RetentionCosts ? key : null;

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

        public (string? Status, Refusal? Refusal) Decide(IPublishedEvent e)
        {
            if (_receipts.TryGetValue(e.EventId, out var existing))
            {
                return ReceiptDecider.Resend(existing, e) is { } conflict ? (null, conflict) : (RecordStatus.Duplicate, null);
            }

            var (streamKey, refusal) = e switch
            {
                IContractEvent contractEvent => (contractEvent.CustomerId,
                    _customers[contractEvent.CustomerId].Decide(TimelineEntry.From(contractEvent, _nextSequence++, stamp))),
                EventVoided voided => DecideVoid(voided),
                RetentionCostRecorded => (StreamKeys.RetentionCosts, null),
                _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown event type"),
            };

            if (refusal is not null)
            {
                return (null, refusal);
            }

            // The projection writes the receipt with the event; this one lets later events of the request see it.
            _receipts[e.EventId] = EventReceipt.For(e, streamKey!);
            Pending(streamKey!).Add(e);
            return (RecordStatus.Appended, null);
        }

        private (string?, Refusal?) DecideVoid(EventVoided e)
        {
            var target = _receipts.GetValueOrDefault(e.VoidedEventId);
            if (ReceiptDecider.VoidTarget(e, target) is { } refused)
            {
                return (null, refused);
            }

            var refusal = target!.StreamKey == StreamKeys.RetentionCosts
                ? null
                : _customers[target.StreamKey].DecideVoid(new VoidEntry(e.EventId, e.VoidedEventId, _nextSequence++, stamp, e.Reason));
            if (refusal is null)
            {
                target.VoidedBy = e.EventId;
            }

            return (target.StreamKey, refusal);
        }

        private List<IPublishedEvent> Pending(string streamKey)
        {
            if (!_pending.TryGetValue(streamKey, out var list))
            {
                _pending[streamKey] = list = [];
            }

            return list;
        }

        /// <summary>Queues every new event with the request's recorded instant; false when there is nothing new.</summary>
        public bool AppendPending()
        {
            foreach (var (streamKey, events) in _pending)
            {
                var action = streamKey == StreamKeys.RetentionCosts
                    ? session.Events.Append(streamKey, events)
                    : _customers[streamKey].StoredVersion == 0
                        ? session.Events.StartStream(streamKey, events)
                        : session.Events.Append(streamKey, _customers[streamKey].StoredVersion + events.Count, events);

                foreach (var e in action.Events)
                {
                    e.Timestamp = stamp.ToDateTimeOffset();
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
