namespace TextGameGen.Contracts.Generation;

/// <summary>
/// Which requests are admitted first: a game master's world event, then a player waiting, then background work.
/// Within a priority, requests are served fairly across submitters (see the scheduler's fair queue).
/// </summary>
[GenerateSerializer, Alias("TextGameGen.GenerationPriority")]
public enum GenerationPriority
{
    Interactive = 0,
    Background = 1,
    /// <summary>The passage narrating a GM's world event: ahead of everything else.</summary>
    WorldEvent = -1,
}
