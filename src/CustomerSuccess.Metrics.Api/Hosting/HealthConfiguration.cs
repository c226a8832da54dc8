using CustomerSuccess.Metrics.Health;

namespace CustomerSuccess.Metrics.Api.Hosting;

/// <summary>Reads the health model from the <c>Health</c> section; a model that cannot be used stops the host at start.</summary>
public static class HealthConfiguration
{
    public static HealthModel Read(IConfiguration configuration)
    {
        var model = configuration.GetSection("Health").Get<HealthModel>() ?? new HealthModel();
        var problems = model.Problems();
        return problems.Count == 0 ? model : throw new InvalidOperationException(string.Join(" ", problems));
    }
}
