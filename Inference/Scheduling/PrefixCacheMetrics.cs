using System.Diagnostics.Metrics;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Inference.Scheduling;

/// <summary>A generator's kept prompt openings as series on its scheduler's meter: what share of prompt positions is copied rather than computed.</summary>
public static class PrefixCacheMetrics
{
    public static void Register(Meter meter, PrefixKvCache prefixes)
    {
        meter.CreateObservableCounter("tgg.generation.prompt_tokens_reused", () => prefixes.ReusedTokens, "{tokens}",
            "Prompt positions whose keys and values were copied from a kept prompt with the same opening");
        meter.CreateObservableCounter("tgg.generation.prompt_tokens_computed", () => prefixes.ComputedTokens, "{tokens}",
            "Prompt positions computed by a prefill (slot layout with kept openings)");
        meter.CreateObservableGauge("tgg.generation.prefix_cache_bytes", () => prefixes.Bytes, "By", "Keys and values of kept prompts (native memory)");
    }
}
