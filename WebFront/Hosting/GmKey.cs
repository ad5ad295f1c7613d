using System.Security.Cryptography;
using System.Text;

namespace TextGameGen.WebFront.Hosting;

/// <summary>The configured game-master key (or one made at start), compared in constant time.</summary>
public sealed class GmKey(string key)
{
    public string Value { get; } = key;

    public static GmKey CreateRandom() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));

    public bool Matches(string? candidate) =>
        candidate is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(Value));
}
