using System.Text.RegularExpressions;
using TextGameGen.Contracts.Sampling;

namespace TextGameGen.Grains.Game.Story;

/// <summary>
/// The names a passage's context gives: the player's, then every capitalised word of the prompt (the people present,
/// the room, names from the story so far). The sampler spares these from the foreign-name penalty, so a world whose
/// player is called Dorothy, or whose story has met a Gretel, can still say so.
/// </summary>
public static partial class ContextNames
{
    [GeneratedRegex(@"\p{Lu}\p{Ll}+")]
    private static partial Regex CapitalisedWord();

    public static IReadOnlyList<string> From(string playerName, string prompt)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in playerName.Split(' ', StringSplitOptions.RemoveEmptyEntries).Concat(CapitalisedWord().Matches(prompt).Select(m => m.Value)))
        {
            var name = word.Length > SamplerSettings.MaxNameChars ? word[..SamplerSettings.MaxNameChars] : word;
            if (names.Count == SamplerSettings.MaxKnownNames) break;
            if (seen.Add(name)) names.Add(name);
        }
        return names;
    }
}
