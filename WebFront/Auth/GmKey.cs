using System.Security.Cryptography;
using System.Text;

namespace TextGameGen.WebFront.Auth;

/// <summary>
/// The configured game-master key (or one made at start), compared in constant time. GM cookies carry the key's
/// <see cref="Fingerprint"/>, so a cookie issued under another key (the key was changed, or a random one replaced at
/// restart) is no longer a GM's.
/// </summary>
public sealed class GmKey(string key)
{
    public string Value { get; } = key;

    /// <summary>A short hash of the key: what a GM cookie holds instead of the key.</summary>
    public string Fingerprint { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("tgg-gm:" + key)))[..16];

    public static GmKey CreateRandom() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));

    public bool Matches(string? candidate) =>
        candidate is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(Value));
}
