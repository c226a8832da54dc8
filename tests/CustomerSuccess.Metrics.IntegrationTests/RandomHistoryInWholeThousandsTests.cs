namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Random histories in whole thousands sent as arr, where presented figures reconcile exactly.</summary>
public class RandomHistoryInWholeThousandsTests(MetricsApp app)
    : RandomHistoryProperties(app, Amounts.WholeThousands, 20250405), IClassFixture<MetricsApp>;
