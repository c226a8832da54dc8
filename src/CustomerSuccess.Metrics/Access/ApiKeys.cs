using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CustomerSuccess.Metrics.Ledger;
using NodaTime;
using Npgsql;

namespace CustomerSuccess.Metrics.Access;

/// <summary>A key as listed: never its secret.</summary>
public sealed record ApiKeyInfo(
    string Name, IReadOnlyList<string> Scopes, Instant CreatedAt, Instant? ExpiresAt, Instant? LastUsedAt, Instant? RevokedAt);

/// <summary>Who a request's key says it comes from, and what it may do.</summary>
public sealed record Caller(string Name, IReadOnlyList<string> Scopes);

/// <summary>Why a key could not be created.</summary>
public enum KeyCreation
{
    Created,
    NameTaken,
}

/// <summary>
/// The API keys kept in the store's database, so every API process sees a new or revoked key on its next request.
/// Each is kept as a salted hash of its text; the text itself is returned once, when the key is created.
/// </summary>
public sealed partial class ApiKeys(NpgsqlDataSource dataSource, ReadModelTables tables, IClock clock)
{
    public const int MaxNameLength = 64;

    /// <summary>How stale a key's last-used instant may be: it is written at most this often per key and process.</summary>
    public static readonly Duration LastUsedResolution = Duration.FromMinutes(1);

    private static readonly byte[] NoSalt = new byte[16];
    private static readonly byte[] NoHash = new byte[32];

    private readonly ConcurrentDictionary<string, Instant> _lastTouched = new(StringComparer.Ordinal);

    /// <summary>Lower-case letters, digits, dot, dash and underscore, starting with a letter or digit.</summary>
    public static bool IsValidName(string name) => name.Length <= MaxNameLength && NamePattern().IsMatch(name);

    public async Task<(KeyCreation Outcome, string? Text)> CreateAsync(
        string name, IReadOnlyCollection<string> scopes, Instant? expiresAt, CancellationToken cancellation)
    {
        var (keyId, text) = ApiKeySecret.Create();
        var salt = ApiKeySecret.NewSalt();
        await using var command = dataSource.CreateCommand(
            $"insert into {tables.ApiKeys} (key_id, name, salt, hash, scopes, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7) " +
            "on conflict (name) where revoked_at is null do nothing");
        command.Parameters.Add(new NpgsqlParameter { Value = keyId });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = salt });
        command.Parameters.Add(new NpgsqlParameter { Value = ApiKeySecret.Hash(salt, text) });
        command.Parameters.Add(new NpgsqlParameter { Value = scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetCurrentInstant() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)expiresAt ?? DBNull.Value });
        return await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false) == 1 ? (KeyCreation.Created, text) : (KeyCreation.NameTaken, null);
    }

    /// <summary>Revokes the key of that name, from the next request on; false when no key of that name is in force.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand($"update {tables.ApiKeys} set revoked_at = $2 where name = $1 and revoked_at is null");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetCurrentInstant() });
        return await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false) > 0;
    }

    /// <summary>The keys in force (and the revoked ones too, when asked), by name.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(bool withRevoked, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"select name, scopes, created_at, expires_at, last_used_at, revoked_at from {tables.ApiKeys} " +
            $"{(withRevoked ? "" : "where revoked_at is null ")}order by name collate \"C\", created_at");
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        var keys = new List<ApiKeyInfo>();
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            keys.Add(new ApiKeyInfo(
                reader.GetString(0), reader.GetFieldValue<string[]>(1), reader.GetFieldValue<Instant>(2), NullableInstant(reader, 3),
                NullableInstant(reader, 4), NullableInstant(reader, 5)));
        }

        return keys;
    }

    /// <summary>Whether any key is in force.</summary>
    public async Task<bool> AnyAsync(CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand($"select exists (select 1 from {tables.ApiKeys} where revoked_at is null)");
        return (bool)(await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false))!;
    }

    /// <summary>
    /// The caller a key's text stands for, or null when it is no key in force: unknown, revoked, expired or wrong. Every
    /// kind of failure takes the same path, a hash compared in constant time, so none can be told from another.
    /// </summary>
    public async Task<Caller?> AuthenticateAsync(string text, CancellationToken cancellation)
    {
        var keyId = ApiKeySecret.KeyIdOf(text);
        (string Name, string[] Scopes, byte[] Salt, byte[] Hash, Instant? ExpiresAt)? row = null;
        if (keyId is not null)
        {
            await using var command = dataSource.CreateCommand(
                $"select name, scopes, salt, hash, expires_at from {tables.ApiKeys} where key_id = $1 and revoked_at is null");
            command.Parameters.Add(new NpgsqlParameter { Value = keyId });
            await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            {
                row = (reader.GetString(0), reader.GetFieldValue<string[]>(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3),
                    NullableInstant(reader, 4));
            }
        }

        var now = clock.GetCurrentInstant();
        var matches = ApiKeySecret.Matches(row?.Salt ?? NoSalt, row?.Hash ?? NoHash, text);
        if (row is not { } key || !matches || key.ExpiresAt <= now)
        {
            return null;
        }

        await TouchAsync(keyId!, now, cancellation).ConfigureAwait(false);
        return new Caller(key.Name, key.Scopes);
    }

    /// <summary>Notes when a key was last used, at most once per <see cref="LastUsedResolution"/>, so reads stay reads.</summary>
    private async Task TouchAsync(string keyId, Instant now, CancellationToken cancellation)
    {
        if (_lastTouched.TryGetValue(keyId, out var touched) && now - touched < LastUsedResolution)
        {
            return;
        }

        _lastTouched[keyId] = now;
        await using var command = dataSource.CreateCommand($"update {tables.ApiKeys} set last_used_at = $2 where key_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = keyId });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    private static Instant? NullableInstant(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<Instant>(ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex NamePattern();
}
