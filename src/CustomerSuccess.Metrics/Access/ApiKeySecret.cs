using System.Security.Cryptography;
using System.Text;

namespace CustomerSuccess.Metrics.Access;

/// <summary>
/// The text of an API key: <c>csm_</c>, a public identifier by which it is found, <c>_</c>, and a random secret. Only a
/// salted SHA-256 hash of the secret is ever stored; a key is checked by hashing what was sent and comparing in constant
/// time.
/// </summary>
public static class ApiKeySecret
{
    public const string Prefix = "csm_";

    private const int IdBytes = 8;
    private const int SecretBytes = 32;
    private const int SaltBytes = 16;

    /// <summary>The longest key text looked at; anything longer is not a key.</summary>
    public const int MaxLength = 200;

    /// <summary>A new key: its identifier and the whole text to hand over once.</summary>
    public static (string KeyId, string Text) Create()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        return (keyId, $"{Prefix}{keyId}_{secret}");
    }

    /// <summary>The identifier a key's text names, or null when the text is not shaped like a key.</summary>
    public static string? KeyIdOf(string text)
    {
        if (text.Length > MaxLength || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = text.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        return separator == IdBytes * 2 && rest[..separator].ContainsOnlyLowerHex() ? rest[..separator].ToString() : null;
    }

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    /// <summary>The stored form of a key's text: SHA-256 over the salt and the whole text.</summary>
    public static byte[] Hash(byte[] salt, string text)
    {
        var bytes = new byte[salt.Length + Encoding.UTF8.GetByteCount(text)];
        salt.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(text, bytes.AsSpan(salt.Length));
        return SHA256.HashData(bytes);
    }

    /// <summary>Whether the text hashes to the stored hash, compared in constant time.</summary>
    public static bool Matches(byte[] salt, byte[] hash, string text) => CryptographicOperations.FixedTimeEquals(Hash(salt, text), hash);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool ContainsOnlyLowerHex(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
