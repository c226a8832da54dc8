namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Random histories with ARR in every form and size a publisher may send, taken apart.</summary>
public class RandomHistoryInEveryFormExplainedTests(MetricsApp app)
    : RandomHistoryExplanations(app, RandomHistoryProperties.Amounts.EveryForm, 20261127), IClassFixture<MetricsApp>;
