namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Random histories in whole thousands, taken apart; their presented parts add up to their totals exactly.</summary>
public class RandomHistoryInWholeThousandsExplainedTests(MetricsApp app)
    : RandomHistoryExplanations(app, RandomHistoryProperties.Amounts.WholeThousands, 20250405), IClassFixture<MetricsApp>;
