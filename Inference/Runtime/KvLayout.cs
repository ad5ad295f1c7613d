namespace TextGameGen.Inference.Runtime;

/// <summary>How a decoder keeps its KV cache (see docs/adr/0001-kv-cache-and-batching.md).</summary>
public enum KvLayout
{
    /// <summary>One fixed slot per row written in place, nothing padded or copied per step (CPU, our own model files).</summary>
    Slots,

    /// <summary>Hugging Face Optimum's layout: caches grow with the batch; runs any Optimum export; what CUDA runs.</summary>
    Optimum,
}
