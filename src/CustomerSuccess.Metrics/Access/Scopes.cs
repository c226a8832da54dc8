namespace CustomerSuccess.Metrics.Access;

/// <summary>What an API key may do. Each endpoint needs exactly one of these; <see cref="Admin"/> includes the others.</summary>
public static class Scopes
{
    /// <summary>Sending contract events: publishers.</summary>
    public const string EventsWrite = "events:write";

    /// <summary>Reading figures, audits and histories: finance, analysts, dashboards.</summary>
    public const string MetricsRead = "metrics:read";

    /// <summary>Managing keys and dead letters, and everything the other scopes allow.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [EventsWrite, MetricsRead, Admin];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>Whether a key holding these scopes may act where <paramref name="required"/> is needed.</summary>
    public static bool Allow(IReadOnlyCollection<string> held, string required) =>
        held.Contains(required, StringComparer.Ordinal) || held.Contains(Admin, StringComparer.Ordinal);
}
