using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Health;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Periods;
using CustomerSuccess.Metrics.Recording;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>
/// Middleware for every endpoint: refuses query parameters the endpoint does not accept and reads the ones it does.
/// The knowledge instant is settled only for endpoints that accept <c>knownAt</c> or the end of a range of recorded
/// instants, which writes do not.
/// </summary>
public static class FigureRequestReader
{
    public static async Task<(FigureRequest, ProblemDetails)> LoadAsync(
        HttpContext context, RecordingClock recordingClock, IClock clock, CancellationToken cancellation)
    {
        var accepts = context.GetEndpoint()?.Metadata.GetMetadata<AcceptsQueryAttribute>() ?? new AcceptsQueryAttribute();
        var parameters = new ReadParameters(context.Request.Query);
        parameters.RefuseOthers(accepts.Parameters);
        var asOf = accepts.Accepts(QueryParameter.AsOf) ? parameters.Date("asOf") : null;
        if (accepts.Accepts(QueryParameter.AsOf) && !accepts.Accepts(QueryParameter.From) && !parameters.Has("asOf"))
        {
            asOf = Today(clock);
        }

        var (from, to) = (default(LocalDate), default(LocalDate));
        if (accepts.Accepts(QueryParameter.From))
        {
            // Where a single date is accepted beside a range, it asks for the twelve months that end on it.
            var rangeAsked = parameters.Has("from") || parameters.Has("to");
            if (asOf is not null && rangeAsked)
            {
                parameters.Error("asOf", "give either asOf (the twelve months that end on it) or from and to, not both");
            }

            var trailingYear = asOf is not null && !rangeAsked;
            (from, to) = trailingYear ? (asOf!.Value.PlusYears(-1).PlusDays(1), asOf.Value) : parameters.Range(accepts.RangeOptional);
        }

        ReportingInterval? fallback = ReportingPeriods.TryParse(accepts.DefaultInterval ?? "", out var parsed) ? parsed : null;
        var interval = accepts.Accepts(QueryParameter.Interval) ? parameters.Interval(fallback, from, to, FigureRequest.MaxPeriods) : null;
        var requestedKnownAt = accepts.Accepts(QueryParameter.KnownAt) ? parameters.Instant("knownAt") : null;
        var comparing = accepts.Accepts(QueryParameter.Since);
        var (recordedFrom, requestedRecordedTo) = comparing
            ? parameters.InstantRange("since", "until", fromRequired: true)
            : accepts.Accepts(QueryParameter.RecordedFrom) || accepts.Accepts(QueryParameter.RecordedTo)
                ? parameters.InstantRange()
                : (null, null);
        var rangeEndSettled = accepts.Accepts(QueryParameter.RecordedTo) || accepts.Accepts(QueryParameter.Until);
        var segment = accepts.Accepts(QueryParameter.Segment) ? parameters.Segment() : null;
        var kind = accepts.Accepts(QueryParameter.Kind) ? parameters.OneOf("kind", FigureRequest.MovementKindNames) : null;
        var status = accepts.Accepts(QueryParameter.Status) ? parameters.OneOf("status", CustomerStatus.All) : null;
        var customerId = accepts.Accepts(QueryParameter.CustomerId) ? parameters.CustomerId() : null;
        var limit = accepts.Accepts(QueryParameter.Limit) ? parameters.Integer("limit", FigureRequest.DefaultLimit, 1, FigureRequest.MaxLimit) : FigureRequest.DefaultLimit;
        var offset = accepts.Accepts(QueryParameter.Offset) ? parameters.Integer("offset", 0, 0, int.MaxValue) : 0;
        var csm = accepts.Accepts(QueryParameter.Csm) ? parameters.Text("csm", 100) : null;
        var touchModel = accepts.Accepts(QueryParameter.TouchModel) ? parameters.OneOf("touchModel", SignalVocabulary.TouchModels) : null;
        var band = accepts.Accepts(QueryParameter.Band) ? parameters.OneOf("band", HealthBands.All) : null;
        var topic = accepts.Accepts(QueryParameter.Topic) ? parameters.Text("topic", 200) : null;
        var format = accepts.Accepts(QueryParameter.Format) ? ResponseFormats.Read(parameters, context.Request.Headers.Accept) : ResponseFormat.Json;
        if (!parameters.IsValid)
        {
            return (FigureRequest.Unread, Problems.InvalidQuery(parameters.Errors));
        }

        // The end of a range of recorded instants is a knowledge instant: settled the same way, so the answer never changes.
        var settled = default(Instant);
        if (accepts.Accepts(QueryParameter.KnownAt) || rangeEndSettled)
        {
            try
            {
                settled = await recordingClock.SettleAsync(
                    requestedKnownAt ?? requestedRecordedTo, readsReadModels: !accepts.ReadsEventLogOnly, cancellation).ConfigureAwait(false);
            }
            catch (ReadModelsOutdatedException e)
            {
                return (FigureRequest.Unread, Problems.ReadModelsIncomplete(e.Message));
            }
        }

        return (new FigureRequest(asOf ?? default, from, to, interval, accepts.Accepts(QueryParameter.KnownAt) ? settled : default, segment, kind,
            limit, offset, customerId, status, recordedFrom, rangeEndSettled ? settled : default)
        {
            Format = format, Csm = csm, TouchModel = touchModel, Band = band, Topic = topic,
        }, WolverineContinue.NoProblems);
    }

    private static LocalDate Today(IClock clock) => clock.GetCurrentInstant().InUtc().Date;
}
