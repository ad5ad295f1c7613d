using Microsoft.ML.OnnxRuntime;

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

    /// <summary>
    /// Keep KV caches in the execution provider's memory and reshape them there (join, leave, trim) with small ONNX
    /// graphs, instead of on the host. Null means: on for CUDA, off for CPU.
    /// </summary>
    public bool? DeviceResidentCache { get; init; }

    /// <summary>
    /// Let ONNX Runtime's worker threads spin between runs. Off by default: between decode steps the scheduler samples
    /// on the same cores, and spinning threads would compete with it.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>
    /// Linux nice value for ONNX Runtime's worker threads (0 normal; 10 lets a game server in the same process take the
    /// cores first). See <see cref="ThreadNiceness"/>.
    /// </summary>
    public int Nice { get; init; }

    /// <summary>
    /// When set, ONNX Runtime writes a per-operator profile (Chrome trace JSON) whose file name starts with this prefix.
    /// For measurements only: profiling slows every run.
    /// </summary>
    public string? ProfilePrefix { get; init; }

    /// <summary>The ONNX Runtime options every session over our models starts from (CPU side).</summary>
    public SessionOptions CreateOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (IntraOpThreads > 0) options.IntraOpNumThreads = IntraOpThreads;
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
        if (ProfilePrefix is not null)
        {
            options.ProfileOutputPathPrefix = ProfilePrefix; // before EnableProfiling, which passes it on
            options.EnableProfiling = true;
        }
        return options;
    }

    public static SessionSettings Default { get; } = new();

    public static ExecutionDevice ParseDevice(string value) => value.ToLowerInvariant() switch
    {
        "cpu" => ExecutionDevice.Cpu,
        "cuda" or "gpu" => ExecutionDevice.Cuda,
        _ => throw new ArgumentException($"Unknown device '{value}': use cpu or cuda."),
    };
}
