using CustomerSuccess.Metrics.Access;

namespace CustomerSuccess.Metrics.Api.Access;

/// <summary>The development key's text, once made: printed with the example URLs, never stored.</summary>
public sealed class DevelopmentKey
{
    public const string Name = "development";

    public string? Text { get; set; }
}

/// <summary>
/// How the first key comes about. On the embedded default database with no <c>Auth:AdminKey</c> configured, a key
/// named <c>development</c> with every scope is made anew at each start (the one before it revoked) and printed, so that
/// README's main command just works. On a configured database with neither a configured admin key nor any key in
/// force, every request is refused, and the log says how to make one.
/// </summary>
public sealed class AccessBootstrap(
    ApiKeys keys, AccessOptions options, DevelopmentKey developmentKey, bool embedded, ILogger<AccessBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.HasAdminKey)
        {
            return;
        }

        if (embedded)
        {
            await keys.RevokeAsync(DevelopmentKey.Name, cancellationToken);
            var (_, text) = await keys.CreateAsync(DevelopmentKey.Name, [Scopes.Admin], expiresAt: null, cancellationToken);
            developmentKey.Text = text;
            return;
        }

        if (!await keys.AnyAsync(cancellationToken))
        {
            logger.LogWarning(
                "No API key exists, so every request will be refused with 401. Configure one with every scope in Auth__AdminKey, or " +
                "create one on the host's command line: keys create --name <name> --scopes admin");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
