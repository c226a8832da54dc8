using System.Runtime.CompilerServices;
using System.Text;
using Marten;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// Customer tails live in their own table as JSON, read and written a whole batch of customers per
/// statement: a rebuild touches hundreds of customers per page, and ingest as many per request.
/// What a session has read is remembered for that session, so the inline projection reuses the tails
/// the write side read moments before in the same transaction instead of reading them again.
/// </summary>
public static class CustomerTails
{
    private static readonly ConditionalWeakTable<IQuerySession, Dictionary<string, string>> ReadInSession = [];

    /// <summary>The stored tails of these customers, as new objects the caller may change.</summary>
    public static async Task<Dictionary<string, CustomerTail>> LoadAsync(
        IQuerySession session, ReadModelTables tables, IReadOnlyCollection<string> customerIds, CancellationToken cancellation)
    {
        var read = ReadInSession.GetOrCreateValue(session);
        var serializer = session.DocumentStore.Options.Serializer();
        CustomerTail Parse(string json) => serializer.FromJson<CustomerTail>(new MemoryStream(Encoding.UTF8.GetBytes(json)));

        var tails = new Dictionary<string, CustomerTail>(StringComparer.Ordinal);
        var missing = customerIds.Where(id => !read.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
        {
            // Read as text and parsed here: Marten would take a class with an Id for one of its documents.
            var stored = await session.AdvancedSql.QueryAsync<string>(
                $"select data::text from {tables.CustomerTails} where customer_id = any(?)", cancellation, (object)missing)
                .ConfigureAwait(false);
            foreach (var id in missing)
            {
                read[id] = "";
            }

            foreach (var json in stored)
            {
                var tail = Parse(json);
                read[tail.Id] = json;
                tails[tail.Id] = tail;
            }
        }

        foreach (var id in customerIds.Where(id => !tails.ContainsKey(id) && read[id].Length > 0))
        {
            tails[id] = Parse(read[id]);
        }

        return tails;
    }

    /// <summary>Whether this session has read tails, as the write side does for every customer it records for.</summary>
    public static bool HasRead(IQuerySession session) => ReadInSession.TryGetValue(session, out _);

    /// <summary>Queues one upsert of every tail given, to run with the rest of the session's changes.</summary>
    public static void Queue(IDocumentOperations operations, ReadModelTables tables, IReadOnlyCollection<CustomerTail> tails)
    {
        if (tails.Count == 0)
        {
            return;
        }

        var serializer = operations.DocumentStore.Options.Serializer();
        operations.QueueSqlCommand(
            $"insert into {tables.CustomerTails} (customer_id, data) select c, d::json from unnest(?::varchar[], ?::text[]) as u(c, d) " +
            "on conflict (customer_id) do update set data = excluded.data",
            tails.Select(t => t.Id).ToArray(),
            tails.Select(serializer.ToJson).ToArray());
    }
}
