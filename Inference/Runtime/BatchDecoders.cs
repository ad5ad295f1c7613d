using TextGameGen.Inference.Packaging;

namespace TextGameGen.Inference.Runtime;

/// <summary>An opened decoder, what it runs on, and the one native resource to dispose.</summary>
public sealed record OpenedDecoder(IBatchDecoder Decoder, string Description, IDisposable Resource);

/// <summary>Opens a model for the decode loop in the layout asked for, falling back (and saying why) where it cannot run.</summary>
public static class BatchDecoders
{
    /// <summary>
    /// The slot layout on CPU when asked for and the model file is ours (for <paramref name="rows"/> rows of the
    /// model's context); else the Optimum layout. With <paramref name="prefixCacheBytes"/> above 0 the slot layout keeps
    /// that many bytes of recent prompts' keys and values to copy openings from (<see cref="PrefixKvCache"/>).
    /// </summary>
    public static OpenedDecoder Open(ModelDirectory model, SessionSettings settings, KvLayout layout, int rows, Action<string>? warn = null, long prefixCacheBytes = 0)
    {
        if (layout == KvLayout.Slots)
        {
            if (settings.Device != ExecutionDevice.Cpu)
                warn?.Invoke("The slot KV layout runs on CPU only; this generator uses the Optimum layout on the device.");
            else if (SlotBatchDecoder.TryOpen(model.ModelPath, model.Config, rows, model.Config.Context + 1, settings, keptPrefixes: prefixCacheBytes > 0) is { } slots)
            {
                if (prefixCacheBytes > 0) slots.Prefixes = new PrefixKvCache(prefixCacheBytes);
                return new OpenedDecoder(slots, prefixCacheBytes > 0 ? $"cpu, slot KV cache, prompt openings kept ({prefixCacheBytes >> 20} MiB)" : "cpu, slot KV cache", slots);
            }
            else
                warn?.Invoke($"{model.ModelPath} was not written by this project; it runs in the Optimum KV layout.");
        }
        var session = Gpt2Session.Open(model.ModelPath, settings, warn);
        return new OpenedDecoder(session, session.ActiveDevice.ToString().ToLowerInvariant(), session);
    }
}
