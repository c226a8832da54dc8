using System.Globalization;
using CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>What the simulator publishes, where, and how fast; or, with <see cref="Subscribe"/>, where it listens.</summary>
public sealed record SimulatorOptions
{
    /// <summary>A broker on this machine with RabbitMQ's default user, when neither the option nor the environment names one.</summary>
    public const string LocalBroker = "amqp://guest:guest@localhost:5672/";

    /// <summary>The environment variable the engine's API reads its broker from, read here too.</summary>
    public const string BrokerVariable = "ConnectionStrings__RabbitMq";

    public string RabbitMq { get; init; } = LocalBroker;

    public string Queue { get; init; } = Messaging.ContractEventsQueue;

    /// <summary>Messages per second.</summary>
    public double Rate { get; init; } = 20;

    /// <summary>Messages to send, or with <see cref="Subscribe"/> ARR changes to hear, before stopping; null for no end.</summary>
    public long? Count { get; init; }

    /// <summary>Drives every choice, and prefixes every id so that runs with other seeds never collide.</summary>
    public int Seed { get; init; }

    /// <summary>Customers signed before the stream begins, dated over the terms before <see cref="Start"/>.</summary>
    public int Customers { get; init; } = 200;

    /// <summary>The first simulated day of the stream.</summary>
    public DateOnly Start { get; init; } = new(2025, 1, 1);

    /// <summary>Messages per simulated day, after which the simulated date moves on a day.</summary>
    public int EventsPerDay { get; init; } = 20;

    /// <summary>Listen to the ARR changes the engine publishes and print them, instead of publishing.</summary>
    public bool Subscribe { get; init; }

    /// <summary>The exchange the engine publishes its ARR changes on, listened to with <see cref="Subscribe"/>.</summary>
    public string Exchange { get; init; } = Messaging.IntegrationEventsExchange;

    /// <summary>The options that only shape what is published, refused with <see cref="Subscribe"/>.</summary>
    private static readonly string[] PublishingOnly = ["--queue", "--rate", "--seed", "--customers", "--start", "--events-per-day"];

    public const string Usage = """
        Publishes a stream of contract events to the metrics engine's queue on RabbitMQ; with --subscribe, prints instead
        every ARR change the engine publishes.

        Options:
          --rabbitmq URI         the broker (default: $ConnectionStrings__RabbitMq, else amqp://guest:guest@localhost:5672/)
          --queue NAME           the queue the engine listens to (default: csm.contract-events)
          --rate N               messages per second (default: 20)
          --count N              stop after N messages, or N ARR changes heard (default: never; Ctrl+C stops)
          --seed N               seed of every choice and prefix of every id (default: random)
          --customers N          customers signed before the stream begins (default: 200)
          --start YYYY-MM-DD     the first simulated day (default: 2025-01-01)
          --events-per-day N     messages per simulated day (default: 20)
          --subscribe            listen instead: print a line per ARR change or restatement the engine publishes
          --exchange NAME        with --subscribe, the exchange listened to (default: csm.integration-events)
          --help                 this text
        """;

    /// <summary>
    /// Reads <c>--name value</c> or <c>--name=value</c> pairs and the flag <c>--subscribe</c>; throws
    /// <see cref="FormatException"/> naming the option at fault, or one given that does not apply.
    /// </summary>
    public static SimulatorOptions Parse(IReadOnlyList<string> args, string? configuredBroker, int defaultSeed)
    {
        var options = new SimulatorOptions
        {
            RabbitMq = string.IsNullOrWhiteSpace(configuredBroker) ? LocalBroker : configuredBroker,
            Seed = defaultSeed,
        };
        var given = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--subscribe")
            {
                options = options with { Subscribe = true };
                continue;
            }

            var (name, value) = Split(args, ref i);
            given.Add(name);
            options = name switch
            {
                "--rabbitmq" => options with { RabbitMq = Broker(name, value) },
                "--queue" => options with { Queue = NonBlank(name, value) },
                "--rate" => options with { Rate = Positive(name, value) },
                "--count" => options with { Count = Whole(name, value, 1) },
                "--seed" => options with { Seed = (int)Whole(name, value, 0, int.MaxValue) },
                "--customers" => options with { Customers = (int)Whole(name, value, 0, 1_000_000) },
                "--start" => options with { Start = Date(name, value) },
                "--events-per-day" => options with { EventsPerDay = (int)Whole(name, value, 1, int.MaxValue) },
                "--exchange" => options with { Exchange = NonBlank(name, value) },
                "--subscribe" => throw new FormatException($"{name} takes no value."),
                _ => throw new FormatException($"{name} is not an option."),
            };
        }

        if (options.Subscribe && given.FirstOrDefault(PublishingOnly.Contains) is { } publishing)
        {
            throw new FormatException($"{publishing} does not apply with --subscribe.");
        }

        if (!options.Subscribe && given.Contains("--exchange"))
        {
            throw new FormatException("--exchange applies only with --subscribe.");
        }

        return options;
    }

    private static (string Name, string Value) Split(IReadOnlyList<string> args, ref int i)
    {
        var argument = args[i];
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        if (argument.StartsWith("--", StringComparison.Ordinal) && equals > 0)
        {
            return (argument[..equals], argument[(equals + 1)..]);
        }

        if (i + 1 >= args.Count)
        {
            throw new FormatException($"{argument} needs a value.");
        }

        return (argument, args[++i]);
    }

    private static string NonBlank(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new FormatException($"{name} must not be blank.") : value;

    private static string Broker(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps"
            ? value
            : throw new FormatException($"{name} must be an amqp:// or amqps:// URI.");

    private static double Positive(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0 && double.IsFinite(number)
            ? number
            : throw new FormatException($"{name} must be a number greater than 0.");

    private static long Whole(string name, string value, long min, long max = long.MaxValue) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new FormatException(max == long.MaxValue
                ? $"{name} must be a whole number of at least {min}."
                : $"{name} must be a whole number from {min} to {max}.");

    private static DateOnly Date(string name, string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
        && date.Year is >= 1975 and <= 2150
            ? date
            : throw new FormatException($"{name} must be a date as YYYY-MM-DD, from 1975 to 2150.");
}
