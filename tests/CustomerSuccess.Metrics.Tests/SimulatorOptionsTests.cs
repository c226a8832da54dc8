using CustomerSuccess.Metrics.BillingSimulator;

namespace CustomerSuccess.Metrics.Tests;

public class SimulatorOptionsTests
{
    [Fact]
    public void options_are_read_in_either_form_and_the_broker_comes_from_the_environment_unless_given()
    {
        var options = SimulatorOptions.Parse(
            ["--rate=2.5", "--count", "300", "--seed", "1", "--customers=0", "--start", "2024-02-29", "--events-per-day", "3", "--queue", "q"],
            "amqp://u:p@broker:5673/", 99);

        Assert.Equal(
            new SimulatorOptions
            {
                RabbitMq = "amqp://u:p@broker:5673/", Queue = "q", Rate = 2.5, Count = 300, Seed = 1, Customers = 0,
                Start = new DateOnly(2024, 2, 29), EventsPerDay = 3,
            },
            options);
        Assert.Equal(99, SimulatorOptions.Parse([], null, 99).Seed);
        Assert.Equal(SimulatorOptions.LocalBroker, SimulatorOptions.Parse([], " ", 1).RabbitMq);
        Assert.Equal("amqp://x/", SimulatorOptions.Parse(["--rabbitmq", "amqp://x/"], "amqp://y/", 1).RabbitMq);
    }

    [Fact]
    public void subscribing_takes_the_broker_an_exchange_and_a_count()
    {
        Assert.Equal(
            new SimulatorOptions { RabbitMq = "amqp://y/", Subscribe = true, Exchange = "x", Count = 5 },
            SimulatorOptions.Parse(["--exchange", "x", "--subscribe", "--count=5"], "amqp://y/", 0));
        var byDefault = SimulatorOptions.Parse(["--subscribe"], null, 0);
        Assert.Equal((true, "csm.integration-events", (long?)null), (byDefault.Subscribe, byDefault.Exchange, byDefault.Count));
        Assert.Contains(Contracts.V1.Messaging.IntegrationEventsExchange, SimulatorOptions.Usage);
        Assert.False(SimulatorOptions.Parse([], null, 0).Subscribe);
    }

    [Theory]
    [InlineData("--rate", "2")]
    [InlineData("--queue", "q")]
    [InlineData("--seed", "1")]
    [InlineData("--customers", "5")]
    [InlineData("--start", "2025-01-01")]
    [InlineData("--events-per-day", "3")]
    public void an_option_of_publishing_is_refused_with_subscribe(string name, string value)
    {
        var refused = Assert.Throws<FormatException>(() => SimulatorOptions.Parse(["--subscribe", name, value], null, 1));
        Assert.Equal($"{name} does not apply with --subscribe.", refused.Message);
    }

    [Fact]
    public void an_exchange_without_subscribe_and_a_value_given_to_subscribe_are_refused()
    {
        Assert.StartsWith("--exchange", Assert.Throws<FormatException>(() => SimulatorOptions.Parse(["--exchange", "x"], null, 1)).Message);
        Assert.StartsWith("--subscribe", Assert.Throws<FormatException>(() => SimulatorOptions.Parse(["--subscribe=yes"], null, 1)).Message);
        Assert.StartsWith("--exchange", Assert.Throws<FormatException>(() => SimulatorOptions.Parse(["--subscribe", "--exchange", " "], null, 1)).Message);
    }

    [Theory]
    [InlineData("--rate", "0")]
    [InlineData("--rate", "fast")]
    [InlineData("--count", "0")]
    [InlineData("--seed", "-1")]
    [InlineData("--start", "2025-13-01")]
    [InlineData("--rabbitmq", "http://localhost/")]
    [InlineData("--colour", "red")]
    [InlineData("--events-per-day", "")]
    public void a_bad_option_is_refused_by_name(string name, string value)
    {
        var refused = Assert.Throws<FormatException>(() => SimulatorOptions.Parse([name, value], null, 1));
        Assert.StartsWith(name, refused.Message);
    }

    [Fact]
    public void an_option_without_its_value_is_refused()
    {
        Assert.StartsWith("--count", Assert.Throws<FormatException>(() => SimulatorOptions.Parse(["--count"], null, 1)).Message);
    }
}
