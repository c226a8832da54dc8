using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Replay;
using Weasel.Postgresql.Tables;

namespace CustomerSuccess.Metrics.Tests;

/// <summary><c>replay verify</c> leaves nothing out unsaid: every table and column the store keeps is compared, or listed with a reason.</summary>
public class ReadModelComparisonTests
{
    private static readonly List<Table> Kept = [.. new ReadModelTables("s").Build().OfType<Table>()];

    [Fact]
    public void every_table_the_store_keeps_is_compared_or_left_out_with_a_reason()
    {
        Assert.NotEmpty(Kept);
        foreach (var name in Kept.Select(t => t.Identifier.Name))
        {
            var compared = ReadModelComparison.Tables.Any(t => t.Name == name);
            var leftOut = ReadModelComparison.NotCompared.Any(l => l.Table == name && l.Column is null);
            Assert.True(compared != leftOut, $"{name} must be either compared or left out, not both or neither");
        }

        Assert.All(ReadModelComparison.Tables, t => Assert.Contains(t.Name, Kept.Select(k => k.Identifier.Name)));
        Assert.All(ReadModelComparison.NotCompared, l => Assert.False(string.IsNullOrWhiteSpace(l.Why)));
    }

    [Fact]
    public void every_column_of_a_compared_table_is_compared_or_left_out_with_a_reason()
    {
        foreach (var compared in ReadModelComparison.Tables)
        {
            var table = Kept.Single(t => t.Identifier.Name == compared.Name);
            var read = compared.Key.Concat(compared.Columns).ToList();
            foreach (var column in table.Columns.Select(c => c.Name))
            {
                var isRead = read.Any(c => c.Name == column);
                var leftOut = ReadModelComparison.NotCompared.Any(l => l.Table == compared.Name && l.Column == column);
                Assert.True(isRead != leftOut, $"{compared.Name}.{column} must be either compared or left out, not both or neither");
            }

            // A column read as stored is one the table has; one computed says how (the feed's position, the tails as jsonb).
            Assert.All(read.Where(c => c.Sql is null), c => Assert.Contains(c.Name, table.Columns.Select(t => t.Name)));
            Assert.NotEmpty(compared.Key);
        }
    }
}
