using System.Diagnostics;
using System.Globalization;
using RabbitMQ.Client.Exceptions;

namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>
/// Publishes the book's messages at the configured rate until the count is reached or the run is cancelled, printing a
/// line of progress every second and a summary at the end. A message the broker does not take is sent again every
/// second until it does.
/// </summary>
public sealed class Simulator(SimulatorOptions options, TextWriter output, Action<OutgoingMessage>? sent = null)
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly BillingBook _book = new(options.Seed, options.Customers, options.Start, options.EventsPerDay);
    private long _sent;
    private long _duplicates;
    private long _invalid;
    private string? _unpublished;
    private TimeSpan _nextReport = ReportEvery;
    private long _reportedSent;

    public async Task<SimulationSummary> RunAsync(CancellationToken cancellation)
    {
        await using var publisher = await ContractEventsPublisher.ConnectAsync(options.RabbitMq, options.Queue, cancellation);
        var until = options.Count is { } count ? $"{count} messages" : "until stopped (Ctrl+C)";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Publishing to {options.Queue} at {Where(options.RabbitMq)}: {options.Rate} messages/s, {until}, seed {options.Seed}, " +
            $"{options.Customers} customers signed before {options.Start:yyyy-MM-dd}, {options.EventsPerDay} messages a simulated day"));

        var clock = Stopwatch.StartNew();
        var scheduleStart = TimeSpan.Zero;
        try
        {
            while (options.Count is not { } limit || _sent < limit)
            {
                var due = scheduleStart + TimeSpan.FromSeconds(_sent / options.Rate);
                if (clock.Elapsed - due > ReportEvery)
                {
                    // Fallen behind (a slow broker): carry on at the rate from now rather than catch up in a burst.
                    scheduleStart += clock.Elapsed - due;
                    due = clock.Elapsed;
                }

                while (clock.Elapsed < due)
                {
                    var wait = Min(due, _nextReport) - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, cancellation);
                    }

                    Report(clock);
                }

                cancellation.ThrowIfCancellationRequested();

                var message = _book.Next();
                await PublishAsync(publisher, message, cancellation);
                Count(message);
                sent?.Invoke(message);
                Report(clock);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            output.WriteLine("Stopping.");
        }

        var summary = new SimulationSummary(
            _sent, _sent - _duplicates - _invalid, _duplicates, _invalid, _unpublished, _book.Arr, _book.ActiveCustomers, _book.RetentionSpend, _book.Today);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sent {summary.Sent:N0} messages: {summary.Events:N0} events, {summary.Duplicates:N0} duplicates, {summary.Invalid:N0} invalid. " +
            $"Once the engine has read them, this run's customers add up to ARR {summary.Arr:N0} over {summary.ActiveCustomers:N0} " +
            $"active customers as of {summary.LastDay:yyyy-MM-dd} or later, its retention spend to {summary.RetentionSpend:N0}, " +
            $"and its invalid messages wait among the dead letters."));
        if (summary.Unpublished is { } unpublished)
        {
            output.WriteLine($"Message {unpublished} was never taken by the broker; the figures above include what it would have changed.");
        }

        return summary;
    }

    private async Task PublishAsync(ContractEventsPublisher publisher, OutgoingMessage message, CancellationToken cancellation)
    {
        var refusedSince = (Stopwatch?)null;
        while (true)
        {
            try
            {
                // Not cancelled half-way: a message is either confirmed by the broker or not counted.
                await publisher.PublishAsync(message.Body, CancellationToken.None);
                if (refusedSince is not null)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"The broker took message {message.EventId} after {refusedSince.Elapsed.TotalSeconds:F0} s."));
                }

                return;
            }
            catch (Exception e) when (e is RabbitMQClientException or IOException)
            {
                if (refusedSince is null)
                {
                    output.WriteLine($"The broker did not take message {message.EventId} ({e.Message}); trying again every second.");
                    refusedSince = Stopwatch.StartNew();
                }

                try
                {
                    await Task.Delay(RetryAfter, cancellation);
                }
                catch (OperationCanceledException)
                {
                    _unpublished = message.EventId;
                    throw;
                }
            }
        }
    }

    private void Count(OutgoingMessage message)
    {
        _sent++;
        if (message.Kind == MessageKind.Duplicate)
        {
            _duplicates++;
        }
        else if (message.Kind == MessageKind.Invalid)
        {
            _invalid++;
        }
    }

    private void Report(Stopwatch clock)
    {
        if (clock.Elapsed < _nextReport)
        {
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clock.Elapsed:hh\\:mm\\:ss} sent {_sent:N0} ({_sent - _reportedSent:N0}/s), duplicates {_duplicates:N0}, invalid {_invalid:N0}; " +
            $"day {_book.Today:yyyy-MM-dd}, {_book.ActiveCustomers:N0} active customers, ARR {_book.Arr:N0}"));
        _reportedSent = _sent;
        while (_nextReport <= clock.Elapsed)
        {
            _nextReport += ReportEvery;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>The broker's host and port, never its credentials.</summary>
    private static string Where(string broker) => new Uri(broker).Authority;
}
