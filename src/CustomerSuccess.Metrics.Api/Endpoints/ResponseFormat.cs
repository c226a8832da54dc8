namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>How an endpoint that offers both writes its answer.</summary>
public enum ResponseFormat
{
    Json,
    Csv,
}
