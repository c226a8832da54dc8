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
