namespace TextGameGen.Contracts.Generation;

/// <summary>Interactive requests (a player waiting) are admitted before background ones; FIFO within a priority.</summary>
[GenerateSerializer, Alias("TextGameGen.GenerationPriority")]
public enum GenerationPriority
{
    Interactive = 0,
    Background = 1,
}
