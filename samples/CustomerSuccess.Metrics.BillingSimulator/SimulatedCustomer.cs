using System.Globalization;

namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>A customer of the billing system, with every contract it ever had.</summary>
internal sealed class SimulatedCustomer(string id, string segment, string csm)
{
    private int _contractsOpened;

    public string Id { get; } = id;

    public string Segment { get; set; } = segment;

    public string Csm { get; set; } = csm;

    public List<SimulatedContract> Contracts { get; } = [];

    /// <summary>The effective date of the customer's latest event: the next one may not be dated before it.</summary>
    public DateOnly LastDate { get; set; }

    /// <summary>Where the customer sits in the book's list of active or of lapsed customers.</summary>
    public int Slot { get; set; }

    public IEnumerable<SimulatedContract> OpenContracts => Contracts.Where(c => c.Open);

    public bool Active => Contracts.Exists(c => c.Open);

    public decimal Arr => OpenContracts.Sum(c => c.Arr);

    public string NextContractId() => $"{Id}-k{(++_contractsOpened).ToString(CultureInfo.InvariantCulture)}";
}
