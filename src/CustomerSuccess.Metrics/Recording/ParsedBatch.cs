using CustomerSuccess.Metrics.Events;

namespace CustomerSuccess.Metrics.Recording;

/// <summary>The outcome of reading a request body: events in order, or every field error found, keyed by path.</summary>
public sealed record ParsedBatch(IReadOnlyList<IPublishedEvent> Events, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
