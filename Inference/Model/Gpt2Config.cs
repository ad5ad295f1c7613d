namespace TextGameGen.Inference.Model;

/// <summary>Shape of a GPT-2 model: layers, heads, width, context length and vocabulary size.</summary>
public sealed record Gpt2Config(
    int Layers,
    int Heads,
    int Width,
    int Context,
    int VocabularySize)
{
    /// <summary>GPT-2's vocabulary (50257) plus the three story tokens.</summary>
    public const int StoryVocabularySize = 50260;

    /// <summary>Layer-norm epsilon used by GPT-2.</summary>
    public const float LayerNormEpsilon = 1e-5f;

    public int HeadDim => Width / Heads;

    /// <summary>Parameter count, counting the tied LM head once.</summary>
    public long ParameterCount
    {
        get
        {
            long c = Width;
            long perLayer = 2 * c + 3 * c * c + 3 * c + c * c + c + 2 * c + 4 * c * c + 4 * c + 4 * c * c + c;
            return (long)VocabularySize * c + (long)Context * c + Layers * perLayer + 2 * c;
        }
    }

    /// <summary>Parameters that take part in the matrix multiplies of one decoded token (weights, LM head; not the position table).</summary>
    public long MatMulParameterCount => Layers * 12L * Width * Width + (long)VocabularySize * Width;

    public static Gpt2Config Tiny => new(2, 2, 64, 128, StoryVocabularySize);
    public static Gpt2Config Small124M => new(12, 12, 768, 1024, StoryVocabularySize);
    public static Gpt2Config Medium355M => new(24, 16, 1024, 1024, StoryVocabularySize);

    /// <summary>Looks up a named shape: tiny, small-124M, medium-355M, or layers x heads x width (e.g. 6x6x384, 1024 tokens of context).</summary>
    public static Gpt2Config FromShapeName(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "small-124m" or "small" => Small124M,
        "medium-355m" or "medium" => Medium355M,
        var custom when custom.Split('x') is [var l, var h, var w] && int.TryParse(l, out int layers) && int.TryParse(h, out int heads) && int.TryParse(w, out int width)
            => new Gpt2Config(layers, heads, width, 1024, StoryVocabularySize),
        _ => throw new ArgumentException($"Unknown shape '{name}'. Known shapes: tiny, small-124M, medium-355M, or LxHxW such as 6x6x384.", nameof(name)),
    };

    /// <summary>Refuses shapes that cannot be built.</summary>
    public void Validate()
    {
        if (Layers < 1) throw new ArgumentException("n_layer must be at least 1.");
        if (Heads < 1 || Width % Heads != 0) throw new ArgumentException($"n_embd ({Width}) must be a multiple of n_head ({Heads}).");
        if (Context < 2) throw new ArgumentException("n_positions must be at least 2.");
        if (VocabularySize < 1) throw new ArgumentException("vocab_size must be positive.");
    }
}
