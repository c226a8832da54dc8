namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Random histories with ARR in every form and size a publisher may send.</summary>
public class RandomHistoryInEveryFormTests(MetricsApp app)
    : RandomHistoryProperties(app, Amounts.EveryForm, 20261127), IClassFixture<MetricsApp>;
