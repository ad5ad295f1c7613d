namespace TextGameGen.Inference.Runtime;

/// <summary>Where ONNX Runtime runs the model.</summary>
public enum ExecutionDevice
{
    Cpu,
    Cuda,
}

/// <summary>How a <see cref="Gpt2Session"/> is created.</summary>
public sealed record SessionSettings
{
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;

    public int CudaDeviceId { get; init; }

    /// <summary>Threads for one operator on CPU; 0 lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; init; }

    public static SessionSettings Default { get; } = new();

    public static ExecutionDevice ParseDevice(string value) => value.ToLowerInvariant() switch
    {
        "cpu" => ExecutionDevice.Cpu,
        "cuda" or "gpu" => ExecutionDevice.Cuda,
        _ => throw new ArgumentException($"Unknown device '{value}': use cpu or cuda."),
    };
}
