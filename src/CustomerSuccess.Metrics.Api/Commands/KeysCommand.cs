using System.Text.Json;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Endpoints;
using JasperFx.CommandLine;
using Marten;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Api.Commands;

/// <summary>The actions, named in lower case as they are typed on the command line.</summary>
public enum KeysAction
{
    list,
    create,
    revoke,
}

public sealed class KeysInput : NetCoreInput
{
    [Description("list the keys in force, create one (its key is printed once) or revoke one")]
    public KeysAction Action { get; set; } = KeysAction.list;

    [Description("revoke: the name of the key to revoke")]
    public string Name { get; set; } = "";

    [Description("create: the new key's name")]
    [FlagAlias("name", true)]
    public string NameFlag { get; set; } = "";

    [Description("create: its scopes, separated by commas: events:write, metrics:read, admin")]
    [FlagAlias("scopes", true)]
    public string ScopesFlag { get; set; } = "";

    [Description("create: when it expires, an instant such as 2027-01-01T00:00:00Z (default: never)")]
    [FlagAlias("expires", true)]
    public string ExpiresFlag { get; set; } = "";
}

/// <summary>
/// The API keys from the operator's command line, as <c>/api/v1/keys</c> serves them to an admin key: list the keys in
/// force, create one (its key printed once, never stored), revoke one. Runs against the configured database without
/// starting the host. Exits with 1 when the arguments do not read, the name is taken, or no such key is in force.
/// </summary>
[Description("List, create or revoke the API keys", Name = "keys")]
public sealed class KeysCommand : JasperFxAsyncCommand<KeysInput>
{
    public KeysCommand()
    {
        Usage("List the keys in force").Arguments(x => x.Action);
        Usage("Create a key (create --name <name> --scopes <scopes>) or revoke one (revoke <name>)").Arguments(x => x.Action, x => x.Name);
    }

    public override async Task<bool> Execute(KeysInput input)
    {
        using var host = input.BuildHost();
        var services = host.Services;
        var now = services.GetRequiredService<IClock>().GetCurrentInstant();
        KeyRequest? request = null;
        if (input.Action == KeysAction.create)
        {
            var (read, errors) = KeyRequest.Read(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
            {
                ["name"] = input.NameFlag,
                ["scopes"] = input.ScopesFlag.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ["expiresAt"] = input.ExpiresFlag.Length == 0 ? null : input.ExpiresFlag,
            }), now);
            if (read is null)
            {
                return Fail(string.Join(Environment.NewLine, errors.Select(e => $"--{Flag(e.Key)} {string.Join("; ", e.Value)}")));
            }

            request = read;
        }
        else if (input.Action == KeysAction.revoke && input.Name.Length == 0)
        {
            return Fail("Name the key: keys revoke <name>, with a name as keys list prints it.");
        }

        // As the host does when it starts: a store never started yet, or last started by an earlier version, is brought up to date.
        await services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var keys = services.GetRequiredService<ApiKeys>();
        return input.Action switch
        {
            KeysAction.list => await ListAsync(keys),
            KeysAction.create => await CreateAsync(keys, request!),
            _ => await RevokeAsync(keys, input.Name),
        };
    }

    private static async Task<bool> ListAsync(ApiKeys keys)
    {
        var list = await keys.ListAsync(withRevoked: false, CancellationToken.None);
        if (list.Count == 0)
        {
            Console.WriteLine("No key is in force. Create one: keys create --name <name> --scopes <scopes>");
            return true;
        }

        Console.WriteLine("name\tscopes\tcreated\texpires\tlast used");
        foreach (var key in list)
        {
            Console.WriteLine(string.Join('\t', key.Name, string.Join(',', key.Scopes), Format(key.CreatedAt), Format(key.ExpiresAt), Format(key.LastUsedAt)));
        }

        return true;
    }

    private static async Task<bool> CreateAsync(ApiKeys keys, KeyRequest request)
    {
        var (outcome, text) = await keys.CreateAsync(request.Name, request.Scopes, request.ExpiresAt, CancellationToken.None);
        if (outcome == KeyCreation.NameTaken)
        {
            return Fail($"A key named '{request.Name}' is in force; revoke it first (keys revoke {request.Name}) or choose another name.");
        }

        Console.WriteLine($"Created key '{request.Name}' with scopes {string.Join(", ", request.Scopes)}, expiring {Format(request.ExpiresAt)}.");
        Console.WriteLine("Its key is shown this once; only a hash of it is kept:");
        Console.WriteLine(text);
        return true;
    }

    private static async Task<bool> RevokeAsync(ApiKeys keys, string name)
    {
        if (!await keys.RevokeAsync(name, CancellationToken.None))
        {
            return Fail($"No key named '{name}' is in force.");
        }

        Console.WriteLine($"Revoked key '{name}': it is refused from the next request on.");
        return true;
    }

    private static string Flag(string field) => field switch
    {
        "expiresAt" => "expires",
        _ => field,
    };

    private static bool Fail(string message)
    {
        Console.Error.WriteLine(message);
        return false;
    }

    private static string Format(Instant? instant) => instant is { } value ? InstantPattern.ExtendedIso.Format(value) : "never";
}
