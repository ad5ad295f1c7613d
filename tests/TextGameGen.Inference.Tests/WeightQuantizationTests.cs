using Onnx;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Inference.Tests;

/// <summary>
/// Weight-only quantized graphs (int8 with a scale per column for DynamicQuantizeMatMul; 8 and 4 bits in blocks of 32
/// for MatMulNBits): the codes stand for the
/// weights within half a step, reading a quantized file back and writing it again gives the same codes, the logits
/// stay close to the float model's, and the slot layout the server uses runs the quantized file.
/// </summary>
public sealed class WeightQuantizationTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(4)]
    public void Each_weight_is_within_half_a_step_of_its_code_and_quantizing_the_codes_again_gives_them_back(int bits)
    {
        const int k = 96, n = 40;
        var random = new Random(bits);
        var data = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 2 - 1) * (random.Next(4) == 0 ? 3f : 0.2f)).ToArray();
        var (codes, scales) = BlockQuantization.Quantize(data, k, n, kStride: n, nStride: 1, bits);
        Assert.Equal(n * (k / 32) * (32 * bits / 8), codes.Length);
        var back = BlockQuantization.Dequantize(codes, scales, k, n, kStride: n, nStride: 1, bits);
        for (int row = 0; row < k; row++)
            for (int col = 0; col < n; col++)
            {
                float step = scales[col * (k / 32) + row / 32];
                Assert.True(MathF.Abs(back[row * n + col] - data[row * n + col]) <= step / 2 + 1e-6f, $"weight [{row}, {col}] off by more than half a step");
            }
        var (again, _) = BlockQuantization.Quantize(back, k, n, kStride: n, nStride: 1, bits);
        Assert.Equal(codes, again);
    }

    [Fact]
    public void An_int8_column_weight_is_within_half_a_step_and_quantizing_the_codes_again_gives_them_back()
    {
        const int k = 64, n = 30;
        var random = new Random(3);
        var data = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var (codes, scales) = ColumnQuantization.Quantize(data, k, n, kStride: n, nStride: 1);
        var back = ColumnQuantization.Dequantize(codes, scales, k, n, kStride: n, nStride: 1);
        for (int i = 0; i < data.Length; i++) Assert.True(MathF.Abs(back[i] - data[i]) <= scales[i % n] / 2 + 1e-6f);
        Assert.Equal(codes, ColumnQuantization.Quantize(back, k, n, kStride: n, nStride: 1).Codes);
    }

    [Theory]
    [InlineData(WeightFormat.Int8, 0.12)] // its activations are quantized per tensor, not per block of a row
    [InlineData(WeightFormat.Int8Blocks, 0.03)]
    [InlineData(WeightFormat.Int4Blocks, 0.25)]
    public void A_quantized_model_gives_its_float_models_logits_within_the_quantization_error(WeightFormat format, double relativeError)
    {
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 11);
        using var exact = TestModels.Open(weights, OnnxExportOptions.Default);
        using var quantized = TestModels.Open(weights, new OnnxExportOptions { Weights = format });
        int vocab = weights.Config.VocabularySize;
        var prompts = new List<IReadOnlyList<int>> { TestModels.RandomTokens(9, 1), TestModels.RandomTokens(9, 2) };
        var a = new float[2 * vocab];
        var b = new float[2 * vocab];
        using var cacheA = exact.Prefill(prompts, a);
        using var cacheB = quantized.Prefill(prompts, b);
        AssertClose(a, b, relativeError);
        for (int step = 0; step < 6; step++)
        {
            int[] next = [TestModels.RandomTokens(1, 10 + step)[0], TestModels.RandomTokens(1, 20 + step)[0]];
            exact.Decode(cacheA, next, a);
            quantized.Decode(cacheB, next, b);
            AssertClose(a, b, relativeError);
        }
    }

    [Theory]
    [InlineData(WeightFormat.Int8Blocks, 0.05)]
    [InlineData(WeightFormat.Int4Blocks, 0.25)]
    public void A_float16_graph_with_block_quantized_weights_gives_the_float_models_logits_as_float32(WeightFormat format, double relativeError)
    {
        // The GPU's form: float16 activations and scales into MatMulNBits, float32 logits out. Run here on the CPU provider.
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 13);
        using var exact = TestModels.Open(weights, OnnxExportOptions.Default);
        using var half = TestModels.Open(weights, new OnnxExportOptions { Weights = format, Float16 = true });
        Assert.True(half.IsHalf);
        int vocab = weights.Config.VocabularySize;
        var prompt = TestModels.RandomTokens(9, 4);
        var a = new float[vocab];
        var b = new float[vocab];
        using var cacheA = exact.Prefill([prompt], a);
        using var cacheB = half.Prefill([prompt], b);
        AssertClose(a, b, relativeError);
        exact.Decode(cacheA, [5], a);
        half.Decode(cacheB, [5], b);
        AssertClose(a, b, relativeError);
    }

    [Fact]
    public void A_float16_graph_refuses_int8_column_weights_with_a_clear_message()
    {
        var error = Assert.Throws<ArgumentException>(() => Gpt2OnnxWriter.Build(TestModels.TinyWeights, new OnnxExportOptions { Weights = WeightFormat.Int8, Float16 = true }));
        Assert.Contains("int4-blocks", error.Message);
    }

    [Theory]
    [InlineData(WeightFormat.Int8)]
    [InlineData(WeightFormat.Int4Blocks)]
    public void A_quantized_file_reads_back_in_its_format_and_the_slot_layout_runs_it_with_the_same_logits(WeightFormat format)
    {
        var weights = Gpt2Weights.CreateRandom(TestModels.Narrow, seed: 12);
        string path = Path.Combine(Path.GetTempPath(), $"tgg-{format}-{Guid.NewGuid():N}.onnx");
        try
        {
            var options = new OnnxExportOptions { Weights = format };
            Gpt2OnnxWriter.Write(weights, path, options);
            var (read, readFormat) = Gpt2OnnxReader.TryRead(path, weights.Config)!.Value;
            Assert.Equal(format, readFormat);
            Assert.Equal(Codes(Gpt2OnnxWriter.Build(weights, options)), Codes(Gpt2OnnxWriter.Build(read, options))); // no drift when written again
            Assert.True(new FileInfo(path).Length < Gpt2OnnxWriter.ToBytes(weights).Length * (format.Bits() / 8.0 + 0.2) / 4); // codes, plus scales and the position table

            int vocab = weights.Config.VocabularySize;
            using var session = Gpt2Session.Open(path);
            using var slots = SlotBatchDecoder.TryOpen(path, weights.Config, rows: 2, maxLength: 32)!;
            var prompt = TestModels.RandomTokens(7, 3);
            var expected = new float[vocab];
            var actual = new float[2 * vocab];
            using var cache = session.Prefill([prompt], expected);
            using var block = slots.Prefill([prompt], actual);
            // DynamicQuantizeMatMul scales activations per tensor, so the padded prefill's differ. The block formats
            // quantize each row's activations on their own, block by block, to int8 (accuracy level 4): the two graphs'
            // attention kernels round differently in the last bits, which can move an activation's code by one.
            AssertClose(expected, actual[..vocab], format == WeightFormat.Int8 ? 0.05 : 0.01);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Dictionary<string, string> Codes(ModelProto model) => model.Graph.Initializer
        .Where(t => t.Name.EndsWith(".q4", StringComparison.Ordinal) || t.Name.EndsWith(".i8", StringComparison.Ordinal) || t.Name.EndsWith(".scales", StringComparison.Ordinal))
        .ToDictionary(t => t.Name, t => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(t.RawData.Span)));

    private static void AssertClose(float[] expected, float[] actual, double relativeError)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            diff += (expected[i] - actual[i]) * (double)(expected[i] - actual[i]);
            norm += expected[i] * (double)expected[i];
        }
        double relative = Math.Sqrt(diff / norm);
        Assert.True(relative < relativeError, $"logits differ by {relative:P2} of their size");
    }
}
