using System.Text.Json.Nodes;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>Copies of a generated book under identifiers of their own, so that several copies stay apart in one store.</summary>
internal static class BookCopy
{
    /// <summary>The event with its identifiers prefixed.</summary>
    public static string Prefixed(JsonObject e, string prefix)
    {
        var copy = e.DeepClone().AsObject();
        foreach (var name in (string[])["eventId", "customerId", "contractId", "voidedEventId"])
        {
            if (copy[name]?.GetValue<string>() is { } value)
            {
                copy[name] = prefix + value;
            }
        }

        return copy.ToJsonString();
    }

    /// <summary>
    /// The copy split among <paramref name="senders"/>, each sending its part in publish order: a customer's events, voids
    /// of them included, always go to the same sender; the book's own (retention costs) to the first.
    /// </summary>
    public static List<string>[] Partition(IEnumerable<JsonObject> book, string prefix, int senders)
    {
        var parts = Enumerable.Range(0, senders).Select(_ => new List<string>()).ToArray();
        var senderOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in book)
        {
            var sender = e["customerId"]?.GetValue<string>() is { } customer ? (int)((uint)StableHash(customer) % senders)
                : e["voidedEventId"]?.GetValue<string>() is { } voided ? senderOf[voided]
                : 0;
            senderOf[e["eventId"]!.GetValue<string>()] = sender;
            parts[sender].Add(Prefixed(e, prefix));
        }

        return parts;
    }

    private static int StableHash(string text) => text.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));
}
