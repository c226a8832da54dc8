using NodaTime;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// How the rows of one bitemporal table change within a projection batch, one knowledge step at a time: the rows
/// believed before the batch that it gives up, and the rows it learns (already closed when the batch itself gave
/// them up again). A row learnt and given up at one instant was never believed, and is not written at all.
/// </summary>
internal sealed class KnowledgeSteps<TRow>(Func<TRow, TRow, bool> same)
{
    public sealed record Learnt(string CustomerId, TRow Row, Instant KnownFrom)
    {
        public Instant? KnownTo { get; set; }
    }

    public sealed record GivenUp(string CustomerId, TRow Row, Instant KnownTo);

    private readonly Dictionary<string, List<Learnt>> _learntByCustomer = new(StringComparer.Ordinal);

    public List<Learnt> LearntRows { get; } = [];

    public List<GivenUp> GivenUpRows { get; } = [];

    /// <summary>
    /// Records the step from <paramref name="believed"/> to <paramref name="next"/> at one knowledge instant;
    /// <paramref name="counted"/>, when given, hears of each row retracted (-1) and added (+1).
    /// </summary>
    public void Change(
        string customerId, IReadOnlyList<TRow> believed, IReadOnlyList<TRow> next, Instant at, Action<TRow, int>? counted = null)
    {
        foreach (var retracted in believed.Where(b => !next.Any(n => same(n, b))))
        {
            counted?.Invoke(retracted, -1);
            var learnt = _learntByCustomer.GetValueOrDefault(customerId)?.Find(p => p.KnownTo is null && same(p.Row, retracted));
            if (learnt is null)
            {
                GivenUpRows.Add(new GivenUp(customerId, retracted, at));
            }
            else if (learnt.KnownFrom == at)
            {
                LearntRows.Remove(learnt);
                _learntByCustomer[customerId].Remove(learnt);
            }
            else
            {
                learnt.KnownTo = at;
            }
        }

        foreach (var added in next.Where(n => !believed.Any(b => same(b, n))))
        {
            counted?.Invoke(added, 1);
            var pending = new Learnt(customerId, added, at);
            LearntRows.Add(pending);
            if (!_learntByCustomer.TryGetValue(customerId, out var ofCustomer))
            {
                _learntByCustomer[customerId] = ofCustomer = [];
            }

            ofCustomer.Add(pending);
        }
    }
}
