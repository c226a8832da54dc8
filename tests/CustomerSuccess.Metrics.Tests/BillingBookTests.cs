using System.Text.Json;
using CustomerSuccess.Metrics.BillingSimulator;
using CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>
/// The billing simulator's stream, read back event by event against the rules of the published contract: every valid
/// event is one the engine accepts where it stands, and the book's ARR is what those events add up to.
/// </summary>
public class BillingBookTests
{
    private static readonly DateOnly Start = new(2025, 1, 1);

    private static List<OutgoingMessage> Stream(int seed, int messages, int customers = 50, int perDay = 5)
    {
        var book = new BillingBook(seed, customers, Start, perDay);
        return Enumerable.Range(0, messages).Select(_ => book.Next()).ToList();
    }

    /// <summary>A contract as the published events describe it.</summary>
    private sealed record Contract(decimal Arr, DateOnly TermEnd, bool Open);

    private static decimal ArrOf(decimal? arr, decimal? recurringAmount, int? periodMonths)
    {
        Assert.True(arr is null != (recurringAmount is null), "exactly one form of amount");
        return arr ?? recurringAmount!.Value * 12 / periodMonths!.Value;
    }

    [Fact]
    public void the_same_seed_gives_the_same_bytes_and_another_seed_other_ids()
    {
        var first = Stream(7, 3_000);
        var again = Stream(7, 3_000);
        var other = Stream(8, 3_000);

        Assert.Equal(first.Select(m => Convert.ToHexString(m.Body)), again.Select(m => Convert.ToHexString(m.Body)));
        Assert.Empty(first.Select(m => m.EventId).Intersect(other.Select(m => m.EventId)));
        Assert.Empty(first.Select(m => m.CustomerId).OfType<string>().Intersect(other.Select(m => m.CustomerId).OfType<string>()));
    }

    [Fact]
    public void every_valid_event_is_accepted_where_it_stands_and_the_books_arr_is_what_they_add_up_to()
    {
        var book = new BillingBook(3, 80, Start, 6);
        var contracts = new Dictionary<(string Customer, string Contract), Contract>();
        var lastDate = new Dictionary<string, DateOnly>();
        var ids = new HashSet<string>();
        var spend = 0m;
        var types = new HashSet<Type>();

        for (var i = 0; i < 20_000; i++)
        {
            var message = book.Next();
            if (message.Kind != MessageKind.Event)
            {
                continue;
            }

            var published = ContractJson.Deserialize<PublishedEvent>(message.Body);
            Assert.True(ids.Add(published.EventId), $"{published.EventId} sent as new twice");
            types.Add(published.GetType());
            if (published is ContractEvent contractEvent)
            {
                Assert.Equal(message.CustomerId, contractEvent.CustomerId);
                Assert.True(!lastDate.TryGetValue(contractEvent.CustomerId, out var last) || contractEvent.EffectiveDate >= last,
                    $"{published.EventId} is dated before the customer's previous event");
                lastDate[contractEvent.CustomerId] = contractEvent.EffectiveDate;
            }

            var key = published is ContractEvent c ? (c.CustomerId, c.ContractId) : default;
            contracts.TryGetValue(key, out var contract);
            switch (published)
            {
                case ContractSigned signed:
                    Assert.Null(contract);
                    Assert.True(signed.TermEndDate >= signed.EffectiveDate);
                    contracts[key] = new Contract(ArrOf(signed.Arr, signed.RecurringAmount, signed.PeriodMonths), signed.TermEndDate!.Value, true);
                    break;
                case ContractCrossSold crossSold:
                    Assert.Null(contract);
                    Assert.Contains(contracts.Keys, k => k.Customer == crossSold.CustomerId);
                    contracts[key] = new Contract(ArrOf(crossSold.Arr, crossSold.RecurringAmount, crossSold.PeriodMonths), crossSold.TermEndDate!.Value, true);
                    break;
                case ContractUpsold upsold:
                    Assert.True(contract is { Open: true } && upsold.ArrIncrease > 0);
                    contracts[key] = contract with { Arr = contract.Arr + upsold.ArrIncrease };
                    break;
                case ContractDownsold downsold:
                    Assert.True(contract is { Open: true } && downsold.ArrDecrease > 0 && downsold.ArrDecrease < contract.Arr);
                    contracts[key] = contract with { Arr = contract.Arr - downsold.ArrDecrease };
                    break;
                case ContractRenewed renewed:
                    Assert.True(contract is { Open: true } && renewed.TermEndDate > renewed.EffectiveDate);
                    Assert.Equal(contract.TermEnd.AddDays(1), renewed.EffectiveDate);
                    contracts[key] = new Contract(ArrOf(renewed.Arr, renewed.RecurringAmount, renewed.PeriodMonths), renewed.TermEndDate, true);
                    break;
                case ContractChurned:
                    Assert.True(contract is { Open: true });
                    contracts[key] = contract with { Open = false };
                    break;
                case RetentionCostRecorded cost:
                    Assert.True(cost.Amount > 0);
                    spend += cost.Amount;
                    break;
                default:
                    Assert.Fail($"Unexpected {published.GetType().Name}");
                    break;
            }
        }

        Assert.Equal(7, types.Count);
        var open = contracts.Where(c => c.Value.Open).ToList();
        Assert.Equal(open.Sum(c => c.Value.Arr), book.Arr);
        Assert.Equal(open.Select(c => c.Key.Customer).Distinct().Count(), book.ActiveCustomers);
        Assert.Equal(spend, book.RetentionSpend);
        Assert.All(open, c => Assert.True(c.Value.TermEnd >= book.Today, $"{c.Key} was not renewed at its term end"));
    }

    [Fact]
    public void resends_are_exact_copies_of_earlier_events_and_invalid_messages_come_at_their_shares()
    {
        var stream = Stream(11, 40_050, customers: 50);
        var earlier = new Dictionary<string, byte[]>();
        foreach (var message in stream)
        {
            switch (message.Kind)
            {
                case MessageKind.Event:
                    earlier.Add(message.EventId, message.Body);
                    break;
                case MessageKind.Duplicate:
                    Assert.Equal(earlier[message.EventId], message.Body);
                    break;
                default:
                    Assert.False(earlier.ContainsKey(message.EventId), $"{message.EventId} was sent before as a valid event");
                    break;
            }
        }

        var afterOpening = stream.Skip(50).ToList();
        Assert.InRange(afterOpening.Count(m => m.Kind == MessageKind.Duplicate) / (double)afterOpening.Count, 0.017, 0.023);
        Assert.InRange(afterOpening.Count(m => m.Kind == MessageKind.Invalid) / (double)afterOpening.Count, 0.008, 0.012);
        var invalid = stream.Where(m => m.Kind == MessageKind.Invalid).ToList();
        Assert.Equal(invalid.Count, invalid.Select(m => Convert.ToHexString(m.Body)).Distinct().Count());
        Assert.Contains(invalid, m => !Parses(m.Body));
    }

    private static bool Parses(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
