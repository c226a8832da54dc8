namespace CustomerSuccess.Metrics.Api;

/// <summary>The deployment's single reporting currency, configured as <c>Reporting:Currency</c>.</summary>
public sealed record ReportingOptions(string Currency);
