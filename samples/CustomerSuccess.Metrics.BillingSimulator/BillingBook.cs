using System.Globalization;
using CustomerSuccess.Metrics.Contracts.V1;
using static CustomerSuccess.Metrics.BillingSimulator.Vocabulary;

namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>
/// A billing system's book of business, simulated. <see cref="Next"/> gives the next message it publishes: first the
/// signings of the opening book, dated over the year before the start, then an endless stream in which the simulated
/// day moves on every so many messages, each customer's events in date order. The book keeps what the engine should
/// end up believing from the valid events alone (each open contract's ARR, the retention spend), never from an answer
/// of the engine. Seeded: the same seed and options always give the same bytes.
/// </summary>
public sealed class BillingBook
{
    public const double DuplicateShare = 0.02;
    public const double InvalidShare = 0.01;

    private enum Activity
    {
        Sign,
        Upsell,
        Downsell,
        CrossSell,
        Churn,
        WinBack,
        RetentionCost,
    }

    private static readonly (Activity Activity, int Weight)[] Activities =
    [
        (Activity.Sign, 10), (Activity.Upsell, 20), (Activity.Downsell, 7), (Activity.CrossSell, 8), (Activity.Churn, 4),
        (Activity.WinBack, 1), (Activity.RetentionCost, 4),
    ];

    private static readonly int TotalWeight = Activities.Sum(a => a.Weight);

    /// <summary>The chance that a contract is not renewed at its term end, by segment.</summary>
    private static readonly Dictionary<string, double> NonRenewal = new() { [Smb] = 0.15, [MidMarket] = 0.09, [Enterprise] = 0.05 };

    private static readonly decimal[] RenewalPriceChanges = [-0.10m, 0m, 0m, 0.03m, 0.05m, 0.05m, 0.07m, 0.10m];

    /// <summary>The ARR at which a customer outgrows its segment.</summary>
    private static readonly Dictionary<string, (decimal Ceiling, string Next)> Promotions = new()
    {
        [Smb] = (24_000m, MidMarket),
        [MidMarket] = (120_000m, Enterprise),
    };

    private const int RecentKept = 256;

    private readonly Random _random;
    private readonly string _prefix;
    private readonly int _messagesPerDay;
    private readonly Queue<DateOnly> _opening;
    private readonly List<SimulatedCustomer> _active = [];
    private readonly List<SimulatedCustomer> _lapsed = [];
    private readonly PriorityQueue<SimulatedContract, DateOnly> _renewals = new();
    private readonly List<OutgoingMessage> _recent = [];
    private long _eventNumber;
    private int _customerNumber;
    private int _messagesToday;

    public BillingBook(int seed, int customers, DateOnly start, int messagesPerDay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        ArgumentOutOfRangeException.ThrowIfNegative(customers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(messagesPerDay);
        _random = new Random(seed);
        _prefix = "sim" + seed.ToString(CultureInfo.InvariantCulture);
        _messagesPerDay = messagesPerDay;
        Today = start;
        var yearBefore = start.AddYears(-1);
        _opening = new Queue<DateOnly>(Enumerable.Range(0, customers)
            .Select(_ => yearBefore.AddDays(_random.Next(start.DayNumber - yearBefore.DayNumber)))
            .Order());
    }

    /// <summary>The simulated day: the date of every event of the stream, but for renewals falling due.</summary>
    public DateOnly Today { get; private set; }

    /// <summary>Customers with at least one open contract.</summary>
    public int ActiveCustomers => _active.Count;

    /// <summary>The sum of the open contracts' ARR: the book's ARR as of today and any later date.</summary>
    public decimal Arr => _active.Sum(c => c.Arr);

    /// <summary>The sum of the retention costs sent.</summary>
    public decimal RetentionSpend { get; private set; }

    public OutgoingMessage Next()
    {
        if (_opening.TryDequeue(out var signedOn))
        {
            return Valid(SignNewCustomer(signedOn));
        }

        if (_messagesToday == _messagesPerDay)
        {
            Today = Today.AddDays(1);
            _messagesToday = 0;
        }

        _messagesToday++;
        var roll = _random.NextDouble();
        if (roll < DuplicateShare)
        {
            return _recent.Count == 0 ? Valid(NextEvent()) : _recent[_random.Next(_recent.Count)] with { Kind = MessageKind.Duplicate };
        }

        return roll < DuplicateShare + InvalidShare ? Invalid() : Valid(NextEvent());
    }

    private PublishedEvent NextEvent()
    {
        while (_renewals.TryPeek(out var renewing, out var due) && due <= Today)
        {
            _renewals.Dequeue();
            if (renewing.Open && renewing.RenewalDue == due)
            {
                return RenewOrLapse(renewing);
            }
        }

        if (_active.Count == 0)
        {
            return SignNewCustomer(Today);
        }

        var customer = _active[_random.Next(_active.Count)];
        var contract = RandomOpenContract(customer);
        return PickActivity() switch
        {
            Activity.Sign => SignNewCustomer(Today),
            Activity.Upsell => Upsell(contract),
            Activity.Downsell => Downsell(contract),
            Activity.CrossSell => CrossSell(customer, contract),
            Activity.Churn => Churn(contract, Today, Pick(ChurnReasons)),
            Activity.WinBack => _lapsed.Count == 0 ? SignNewCustomer(Today) : WinBack(_lapsed[_random.Next(_lapsed.Count)]),
            _ => RetentionCost(),
        };
    }

    private Activity PickActivity()
    {
        var ticket = _random.Next(TotalWeight);
        foreach (var (activity, weight) in Activities)
        {
            if (ticket < weight)
            {
                return activity;
            }

            ticket -= weight;
        }

        throw new InvalidOperationException("The weights do not add up.");
    }

    private ContractSigned SignNewCustomer(DateOnly on)
    {
        var segment = _random.NextDouble() switch { < 0.6 => Smb, < 0.9 => MidMarket, _ => Enterprise };
        var number = (++_customerNumber).ToString("D5", CultureInfo.InvariantCulture);
        var customer = new SimulatedCustomer($"{_prefix}-cust{number}", segment, Pick(Csms));
        var name = $"{Pick(NameStarts)}{Pick(NameEnds)} {Pick(CompanyForms)}";
        var contract = Open(customer, Products[0], on, null);
        var (arr, recurring, months) = Amounts(contract);
        return new ContractSigned(NextEventId(), customer.Id, contract.Id, on, arr, contract.TermEnd, contract.Product,
            new CustomerDetails(name, segment, customer.Csm), recurring, months);
    }

    private ContractSigned WinBack(SimulatedCustomer customer)
    {
        var contract = Open(customer, Products[0], Today, null);
        var (arr, recurring, months) = Amounts(contract);
        return new ContractSigned(NextEventId(), customer.Id, contract.Id, Today, arr, contract.TermEnd, contract.Product,
            RecurringAmount: recurring, PeriodMonths: months);
    }

    private PublishedEvent CrossSell(SimulatedCustomer customer, SimulatedContract main)
    {
        var owned = customer.OpenContracts.Select(c => c.Product).ToHashSet();
        var products = Products.Where(p => !owned.Contains(p)).ToList();
        if (products.Count == 0)
        {
            return Upsell(main);
        }

        // Co-termed with the main contract, unless that one is about to renew.
        var nextRenewal = customer.OpenContracts.MinBy(c => c.TermEnd)!;
        var contract = Open(customer, products[_random.Next(products.Count)], Today,
            nextRenewal.TermEnd >= Today.AddMonths(3) ? nextRenewal.TermEnd : null, main.Arr * Between(0.15, 0.40), main);
        var (arr, recurring, months) = Amounts(contract);
        return new ContractCrossSold(NextEventId(), customer.Id, contract.Id, Today, arr, contract.TermEnd, contract.Product,
            RecurringAmount: recurring, PeriodMonths: months);
    }

    private ContractUpsold Upsell(SimulatedContract contract)
    {
        var customer = contract.Customer;
        var increase = Steps(contract.Arr * Between(0.05, 0.30), contract);
        contract.Arr += increase;
        customer.LastDate = Today;
        CustomerDetails? promoted = null;
        if (Promotions.TryGetValue(customer.Segment, out var promotion) && customer.Arr >= promotion.Ceiling)
        {
            customer.Segment = promotion.Next;
            promoted = new CustomerDetails(Segment: customer.Segment);
        }

        return new ContractUpsold(NextEventId(), customer.Id, contract.Id, Today, increase, promoted);
    }

    private PublishedEvent Downsell(SimulatedContract contract)
    {
        var decrease = Steps(contract.Arr * Between(0.05, 0.25), contract);
        if (decrease >= contract.Arr)
        {
            return Upsell(contract);
        }

        contract.Arr -= decrease;
        contract.Customer.LastDate = Today;
        return new ContractDownsold(NextEventId(), contract.Customer.Id, contract.Id, Today, decrease);
    }

    private PublishedEvent RenewOrLapse(SimulatedContract contract)
    {
        var customer = contract.Customer;
        var on = contract.RenewalDue > customer.LastDate ? contract.RenewalDue : customer.LastDate;
        if (_random.NextDouble() < NonRenewal[customer.Segment])
        {
            return Churn(contract, on, "not renewed: " + Pick(ChurnReasons));
        }

        contract.Arr = Priced(contract.Arr * (1 + Pick(RenewalPriceChanges)), contract.PeriodMonths);
        contract.TermEnd = on.AddMonths(contract.TermMonths).AddDays(-1);
        customer.LastDate = on;
        _renewals.Enqueue(contract, contract.RenewalDue);
        CustomerDetails? handedOver = null;
        if (_random.NextDouble() < 0.1)
        {
            customer.Csm = Pick(Csms);
            handedOver = new CustomerDetails(Csm: customer.Csm);
        }

        var (arr, recurring, months) = Amounts(contract);
        return new ContractRenewed(NextEventId(), customer.Id, contract.Id, on, contract.TermEnd, arr, handedOver, recurring, months);
    }

    private ContractChurned Churn(SimulatedContract contract, DateOnly on, string reason)
    {
        var customer = contract.Customer;
        contract.Open = false;
        customer.LastDate = on;
        if (!customer.Active)
        {
            Remove(_active, customer);
            Add(_lapsed, customer);
        }

        return new ContractChurned(NextEventId(), customer.Id, contract.Id, on, reason);
    }

    private RetentionCostRecorded RetentionCost()
    {
        var amount = Math.Round(Between(500, 8_000) / 50) * 50;
        RetentionSpend += amount;
        return new RetentionCostRecorded(NextEventId(), Today, Pick(CostCategories), amount);
    }

    /// <summary>Opens a contract: priced for the customer's segment, or near <paramref name="arr"/> and billed like <paramref name="like"/>.</summary>
    private SimulatedContract Open(SimulatedCustomer customer, string product, DateOnly on, DateOnly? termEnd, decimal? arr = null, SimulatedContract? like = null)
    {
        var segment = customer.Segment;
        var term = like?.TermMonths ?? (segment == Enterprise && _random.NextDouble() < 0.4 ? 24 : 12);
        var period = like?.PeriodMonths ?? (segment, _random.NextDouble()) switch
        {
            (Smb, < 0.5) => 1,
            (Smb, < 0.7) or (MidMarket, < 0.3) => 3,
            _ => 12,
        };
        var target = arr ?? segment switch
        {
            Smb => Between(3_000, 24_000),
            MidMarket => Between(24_000, 120_000),
            _ => Between(120_000, 600_000),
        };
        var contract = new SimulatedContract(customer, customer.NextContractId(), product, term, period)
        {
            Arr = Priced(target, period),
            TermEnd = termEnd ?? on.AddMonths(term).AddDays(-1),
        };
        if (customer.Contracts.Count == 0)
        {
            Add(_active, customer);
        }
        else if (!customer.Active)
        {
            Remove(_lapsed, customer);
            Add(_active, customer);
        }

        customer.Contracts.Add(contract);
        customer.LastDate = on;
        _renewals.Enqueue(contract, contract.RenewalDue);
        return contract;
    }

    private OutgoingMessage Invalid()
    {
        var id = NextEventId();
        if (_active.Count == 0)
        {
            return Broken(new RetentionCostRecorded(id, Today, Pick(CostCategories), 1_000m), null);
        }

        var contract = RandomOpenContract(_active[_random.Next(_active.Count)]);
        var customerId = contract.Customer.Id;
        return _random.Next(4) switch
        {
            0 => Refused(new ContractUpsold(id, customerId, contract.Id + "-unknown", Today, Steps(contract.Arr / 10, contract)), customerId),
            1 => Refused(new ContractUpsold(id, customerId, contract.Id, Today, -Steps(contract.Arr / 10, contract)), customerId),
            2 => Refused(new ContractDownsold(id, customerId, contract.Id, Today, contract.Arr), customerId),
            _ => Broken(new ContractUpsold(id, customerId, contract.Id, Today, Steps(contract.Arr / 10, contract)), customerId),
        };
    }

    private static OutgoingMessage Refused(ContractEvent refused, string customerId) =>
        new(ContractJson.Serialize(refused), MessageKind.Invalid, refused.EventId, customerId);

    /// <summary>A body cut off before its end: the id is kept, so that every broken body differs from every other.</summary>
    private OutgoingMessage Broken(PublishedEvent cut, string? customerId)
    {
        var body = ContractJson.Serialize(cut);
        var keep = body.AsSpan().IndexOf("eventId"u8) + "eventId\":\"".Length + cut.EventId.Length + 1;
        return new OutgoingMessage(body[..(keep + _random.Next(body.Length - 1 - keep))], MessageKind.Invalid, cut.EventId, customerId);
    }

    private OutgoingMessage Valid(PublishedEvent published)
    {
        var message = new OutgoingMessage(ContractJson.Serialize(published), MessageKind.Event, published.EventId, (published as ContractEvent)?.CustomerId);
        if (_recent.Count < RecentKept)
        {
            _recent.Add(message);
        }
        else
        {
            _recent[_random.Next(RecentKept)] = message;
        }

        return message;
    }

    private SimulatedContract RandomOpenContract(SimulatedCustomer customer)
    {
        var open = customer.OpenContracts.ToList();
        return open[_random.Next(open.Count)];
    }

    private string NextEventId() => $"{_prefix}-e{(++_eventNumber).ToString("D7", CultureInfo.InvariantCulture)}";

    private T Pick<T>(IReadOnlyList<T> choices) => choices[_random.Next(choices.Count)];

    private decimal Between(double low, double high) => (decimal)(low + (high - low) * _random.NextDouble());

    /// <summary>
    /// ARR as a whole number of invoices of a billing period: a monthly price × 12, a quarterly price × 4, a yearly
    /// price; so the recurring amount the event carries is whole, and the engine's ARR equals this one exactly.
    /// </summary>
    private static decimal Priced(decimal arr, int periodMonths) =>
        Math.Max(1, Math.Round(arr * periodMonths / 12)) * 12 / periodMonths;

    /// <summary>A change of ARR in whole hundreds that keeps the contract's ARR a whole number of invoices (300 for monthly billing).</summary>
    private static decimal Steps(decimal change, SimulatedContract contract)
    {
        var step = contract.PeriodMonths == 1 ? 300m : 100m;
        return Math.Max(step, Math.Round(change / step) * step);
    }

    private static (decimal? Arr, decimal? RecurringAmount, int? PeriodMonths) Amounts(SimulatedContract contract) =>
        contract.PeriodMonths == 12 ? (contract.Arr, null, null) : (null, contract.RecurringAmount, contract.PeriodMonths);

    private static void Add(List<SimulatedCustomer> customers, SimulatedCustomer customer)
    {
        customer.Slot = customers.Count;
        customers.Add(customer);
    }

    private static void Remove(List<SimulatedCustomer> customers, SimulatedCustomer customer)
    {
        var last = customers[^1];
        customers[customer.Slot] = last;
        last.Slot = customer.Slot;
        customers.RemoveAt(customers.Count - 1);
    }
}
