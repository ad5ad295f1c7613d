using TextGameGen.Inference.Model;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>
/// Writes the two inputs llm.c's CPU trainer (<c>train_gpt2.c</c>) reads, at one of our shapes, so the two trainers can
/// be timed side by side on the same machine: <c>gpt2_124M.bin</c> (its model file, version 3: a 256-int header, then
/// float32 parameters in its order; seeded random weights in GPT-2's scheme) and
/// <c>dev/data/tinyshakespeare/tiny_shakespeare_{train,val}.bin</c> (its token files: a 256-int header, then uint16
/// tokens; seeded random tokens). llm.c itself is not part of this repository: build it yourself (see docs/benchmarks.md).
/// </summary>
public static class LlmcFiles
{
    private const int ModelMagic = 20240326, ModelVersion = 3, DataMagic = 20240520, DataVersion = 1;
    private const int Vocabulary = 50257, PaddedVocabulary = 50304;

    public static void Write(string directory, Gpt2Config config, int seed, int tokens = 200_000)
    {
        Directory.CreateDirectory(directory);
        WriteModel(Path.Combine(directory, "gpt2_124M.bin"), config, seed);
        var data = Path.Combine(directory, "dev", "data", "tinyshakespeare");
        Directory.CreateDirectory(data);
        WriteTokens(Path.Combine(data, "tiny_shakespeare_train.bin"), tokens, seed + 1);
        WriteTokens(Path.Combine(data, "tiny_shakespeare_val.bin"), tokens / 10, seed + 2);
    }

    private static void WriteModel(string path, Gpt2Config c, int seed)
    {
        long L = c.Layers, C = c.Width, T = c.Context;
        var random = new Random(seed);
        using var file = new BinaryWriter(File.Create(path));
        var header = new int[256];
        header[0] = ModelMagic; header[1] = ModelVersion; header[2] = c.Context; header[3] = Vocabulary;
        header[4] = c.Layers; header[5] = c.Heads; header[6] = c.Width; header[7] = PaddedVocabulary;
        foreach (int h in header) file.Write(h);
        float std = 0.02f, projStd = 0.02f / MathF.Sqrt(2 * c.Layers);
        // llm.c's parameter order: wte, wpe, ln1w, ln1b, qkvw, qkvb, attprojw, attprojb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb, lnfw, lnfb.
        Normal(file, random, PaddedVocabulary * C, std);
        Normal(file, random, T * C, 0.01f);
        Constant(file, L * C, 1f); Constant(file, L * C, 0f);
        Normal(file, random, L * 3 * C * C, std); Constant(file, L * 3 * C, 0f);
        Normal(file, random, L * C * C, projStd); Constant(file, L * C, 0f);
        Constant(file, L * C, 1f); Constant(file, L * C, 0f);
        Normal(file, random, L * 4 * C * C, std); Constant(file, L * 4 * C, 0f);
        Normal(file, random, L * C * 4 * C, projStd); Constant(file, L * C, 0f);
        Constant(file, C, 1f); Constant(file, C, 0f);
    }

    private static void WriteTokens(string path, int count, int seed)
    {
        var random = new Random(seed);
        using var file = new BinaryWriter(File.Create(path));
        var header = new int[256];
        header[0] = DataMagic; header[1] = DataVersion; header[2] = count;
        foreach (int h in header) file.Write(h);
        for (int i = 0; i < count; i++) file.Write((ushort)random.Next(Vocabulary));
    }

    private static void Normal(BinaryWriter file, Random random, long count, float std)
    {
        for (long i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            file.Write((float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)));
        }
    }

    private static void Constant(BinaryWriter file, long count, float value)
    {
        for (long i = 0; i < count; i++) file.Write(value);
    }
}
