using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace TextGameGen.LoadTest;

/// <summary>
/// Samples this process's allocations by type (the runtime's allocation-tick events, about one per 100 KB), to find
/// what drives garbage collection under load. On with TGG_LOAD_ALLOCATIONS=1.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.Payload is null) return;
        int typeIndex = e.PayloadNames!.IndexOf("TypeName");
        int amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || amountIndex < 0) return;
        _bytes.AddOrUpdate((string)e.Payload[typeIndex]!, Convert.ToInt64(e.Payload[amountIndex]), (_, v) => v + Convert.ToInt64(e.Payload[amountIndex]));
    }

    public string Top(int n) => string.Join('\n', _bytes.OrderByDescending(kv => kv.Value).Take(n).Select(kv => $"  {kv.Value / (1 << 20),6} MiB  {kv.Key}"));
}
