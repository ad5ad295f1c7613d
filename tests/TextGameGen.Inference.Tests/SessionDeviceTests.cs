using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Inference.Tests;

public sealed class SessionDeviceTests
{
    [Fact]
    public void AskingForCudaWhereItCannotStartFallsBackToCpuSayingSoOnce()
    {
        // Development and CI machines have no CUDA libraries, so the CUDA provider cannot start there.
        var messages = new List<string>();
        using var session = Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(TestModels.TinyWeights), new SessionSettings { Device = ExecutionDevice.Cuda }, messages.Add);

        if (session.ActiveDevice == ExecutionDevice.Cuda)
        {
            Assert.Empty(messages); // a machine with a working GPU: nothing to fall back from
        }
        else
        {
            var line = Assert.Single(messages);
            Assert.Contains("running on CPU", line);
        }
        var logits = new float[session.VocabularySize];
        using var cache = session.Prefill([[1, 2, 3]], logits);
        Assert.Contains(logits, l => l != 0);
    }

    [Fact]
    public void AProfilePrefixMakesOnnxRuntimeWriteAPerOperatorProfile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tgg-profile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using (var session = Gpt2Session.Open(Gpt2OnnxWriter.ToBytes(TestModels.TinyWeights), new SessionSettings { ProfilePrefix = Path.Combine(dir, "decode") }))
            {
                var logits = new float[session.VocabularySize];
                using var cache = session.Prefill([[1, 2, 3]], logits);
            }
            string file = Assert.Single(Directory.GetFiles(dir, "decode*.json"));
            string text = File.ReadAllText(file);
            Assert.Contains("\"op_name\"", text); // one event per operator run
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
