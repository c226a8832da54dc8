using System.Runtime.InteropServices;
using RabbitMQ.Client.Exceptions;

namespace CustomerSuccess.Metrics.BillingSimulator;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            Console.WriteLine(SimulatorOptions.Usage);
            return 0;
        }

        SimulatorOptions options;
        try
        {
            options = SimulatorOptions.Parse(args, Environment.GetEnvironmentVariable(SimulatorOptions.BrokerVariable), Random.Shared.Next());
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}\n\n{SimulatorOptions.Usage}");
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        try
        {
            if (options.Subscribe)
            {
                await new Subscriber(options, Console.Out).RunAsync(stop.Token);
            }
            else
            {
                await new Simulator(options, Console.Out).RunAsync(stop.Token);
            }

            return 0;
        }
        catch (BrokerUnreachableException e)
        {
            await Console.Error.WriteLineAsync($"No RabbitMQ broker answers at {new Uri(options.RabbitMq).Authority}: {e.InnerException?.Message ?? e.Message}");
        }
        catch (OperationInterruptedException e) when (!options.Subscribe && e.ShutdownReason?.ReplyCode == 404)
        {
            await Console.Error.WriteLineAsync(
                $"The queue {options.Queue} does not exist on the broker. Start the engine's API with ConnectionStrings__RabbitMq " +
                "naming this broker first: it declares the queue it listens to.");
        }
        catch (OperationInterruptedException e) when (options.Subscribe)
        {
            await Console.Error.WriteLineAsync(
                $"The broker refused to bind a queue to {options.Exchange}, which must be a durable fanout exchange as the engine " +
                $"declares it: {e.ShutdownReason?.ReplyText ?? e.Message}");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Stopped before connecting.");
        }

        return 1;
    }
}
