using System.Globalization;
using System.Text.Json;
using CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>
/// Listens to the ARR changes the engine publishes and prints a line for each, until the count is reached or the run
/// is cancelled, then how many it heard. Any other message on the exchange is named and skipped, and not counted.
/// </summary>
public sealed class Subscriber(SimulatorOptions options, TextWriter output)
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _changes;
    private long _restatements;
    private long _skipped;

    /// <summary>Completes once the subscriber's queue is bound: every ARR change published from then on is heard.</summary>
    public Task Listening => _listening.Task;

    public async Task<SubscriptionSummary> RunAsync(CancellationToken cancellation)
    {
        IntegrationEventsSubscription subscription;
        try
        {
            subscription = await IntegrationEventsSubscription.ConnectAsync(options.RabbitMq, options.Exchange, cancellation);
        }
        catch (Exception e)
        {
            _listening.TrySetException(e);
            throw;
        }

        await using (subscription)
        {
            var until = options.Count is { } count ? $"{count} ARR changes" : "until stopped (Ctrl+C)";
            output.WriteLine($"Listening to {options.Exchange} at {new Uri(options.RabbitMq).Authority}, {until}");
            _listening.TrySetResult();
            try
            {
                await foreach (var message in subscription.ReadAllAsync(cancellation))
                {
                    output.WriteLine(Describe(message));
                    if (_changes + _restatements == options.Count)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                output.WriteLine("Stopping.");
            }
        }

        var summary = new SubscriptionSummary(_changes, _restatements, _skipped);
        var skipped = summary.Skipped == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"; skipped {summary.Skipped:N0} other messages");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Heard {summary.Changes:N0} ARR changes and {summary.Restatements:N0} restatements{skipped}."));
        return summary;
    }

    private string Describe(IncomingMessage message)
    {
        var type = message.Type ?? "";
        try
        {
            if (type.EndsWith(nameof(CustomerArrRestated), StringComparison.Ordinal))
            {
                var line = ArrChangeLines.Restated(ContractJson.Deserialize<CustomerArrRestated>(message.Body));
                _restatements++;
                return line;
            }

            if (type.EndsWith(nameof(CustomerArrChanged), StringComparison.Ordinal))
            {
                var line = ArrChangeLines.Changed(ContractJson.Deserialize<CustomerArrChanged>(message.Body));
                _changes++;
                return line;
            }
        }
        catch (JsonException e)
        {
            _skipped++;
            return $"Skipped a {type} that could not be read: {e.Message}";
        }

        _skipped++;
        return $"Skipped a message of type '{type}'.";
    }
}
