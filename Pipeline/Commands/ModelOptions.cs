using System.CommandLine;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Pipeline.Commands;

/// <summary>Options several commands share.</summary>
internal static class ModelOptions
{
    public static Option<string> Device() => new("--device")
    {
        Description = "cpu or cuda (falls back to cpu, saying so, when CUDA is unavailable)",
        DefaultValueFactory = _ => "cpu",
    };

    public static Option<string> Style() => new("--style")
    {
        Description = "graph style: fused (ONNX Runtime contrib operators) or plain (standard operators)",
        DefaultValueFactory = _ => "fused",
    };

    /// <summary>A benchmark's model: a shape built in-process with seeded random weights.</summary>
    public static Option<string> BenchShape() => new("--shape")
    {
        Description = "build this shape in-process with seeded random weights (tiny, small-124M, medium-355M, LxHxW)",
        DefaultValueFactory = _ => "small-124M",
    };

    public static Option<string?> Json() => new("--json") { Description = "write the results as JSON here" };

    public static Option<bool> Fp16() => new("--fp16") { Description = "float16 weights and activations (for GPUs)" };

    public static GraphStyle ParseStyle(string value) => value.ToLowerInvariant() switch
    {
        "fused" => GraphStyle.Fused,
        "plain" => GraphStyle.Plain,
        _ => throw new ArgumentException($"Unknown --style '{value}': use fused or plain."),
    };

    public static Option<bool> HostCache() => new("--host-cache") { Description = "keep KV caches in host memory even on CUDA (for comparison)" };

    public static SessionSettings Session(string device, bool hostCache = false) => new()
    {
        Device = SessionSettings.ParseDevice(device),
        DeviceResidentCache = hostCache ? false : null,
    };
}
