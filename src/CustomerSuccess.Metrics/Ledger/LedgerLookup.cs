using System.Runtime.CompilerServices;
using Marten;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// Pairs rows that name a customer with the customer's ledger, reading the ledgers of a batch of rows in one round
/// trip, so that a long stream of rows holds at most one batch of ledgers at a time.
/// </summary>
public static class LedgerLookup
{
    public const int BatchSize = 200;

    public static async IAsyncEnumerable<(T Row, CustomerLedger Ledger)> JoinAsync<T>(
        IDocumentStore store, IAsyncEnumerable<T> rows, Func<T, string> customerOf, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var session = store.QuerySession();
        await using (session.ConfigureAwait(false))
        {
            var batch = new List<T>(BatchSize);
            await foreach (var row in rows.WithCancellation(cancellation).ConfigureAwait(false))
            {
                batch.Add(row);
                if (batch.Count == BatchSize)
                {
                    foreach (var pair in await LoadAsync(session, batch, customerOf, cancellation).ConfigureAwait(false))
                    {
                        yield return pair;
                    }

                    batch.Clear();
                }
            }

            foreach (var pair in await LoadAsync(session, batch, customerOf, cancellation).ConfigureAwait(false))
            {
                yield return pair;
            }
        }
    }

    private static async Task<IReadOnlyList<(T, CustomerLedger)>> LoadAsync<T>(
        IQuerySession session, IReadOnlyList<T> batch, Func<T, string> customerOf, CancellationToken cancellation)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        var customers = batch.Select(customerOf).Distinct(StringComparer.Ordinal).ToList();
        var streams = await CustomerStreams.ReadAsync(session, customers, cancellation).ConfigureAwait(false);
        var ledgers = streams.ToDictionary(s => s.Key, s => CustomerLedger.FromEvents(s.Key, s.Value), StringComparer.Ordinal);
        return [.. batch.Select(row => (row, ledgers[customerOf(row)]))];
    }
}
