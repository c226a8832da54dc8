using System.Diagnostics.Metrics;

namespace CustomerSuccess.Metrics.Telemetry;

/// <summary>The engine's own measurements, under one meter that exporters subscribe to by <see cref="Name"/>.</summary>
public static class EngineTelemetry
{
    public const string Name = "CustomerSuccess.Metrics";

    private static readonly Meter Meter = new(Name);

    /// <summary>Events appended to the store, by event type.</summary>
    public static readonly Counter<long> EventsRecorded =
        Meter.CreateCounter<long>("csm.events.recorded", "{event}", "Events appended to the event store, by type");

    /// <summary>Events sent again with identical content, and so not appended twice.</summary>
    public static readonly Counter<long> Duplicates =
        Meter.CreateCounter<long>("csm.events.duplicates", "{event}", "Events recognised as resends and not appended again");

    /// <summary>Requests refused as a whole, by status and by the field (rule) at fault.</summary>
    public static readonly Counter<long> Refusals =
        Meter.CreateCounter<long>("csm.requests.refused", "{request}", "Requests refused, by status and rule");

    /// <summary>How long a figure took to answer, by figure.</summary>
    public static readonly Histogram<double> FigureDuration =
        Meter.CreateHistogram<double>("csm.figure.duration", "s", "Time to answer a figure, by figure");

    /// <summary>Events projected into the read models, as they are recorded ("write") or replayed by a rebuild ("replay").</summary>
    public static readonly Counter<long> EventsProjected =
        Meter.CreateCounter<long>("csm.projection.events", "{event}", "Events projected into the read models, by path");
}
