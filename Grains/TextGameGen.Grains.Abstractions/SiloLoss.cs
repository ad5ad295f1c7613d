namespace TextGameGen.Grains;

/// <summary>
/// Tells a call that failed because its silo is gone or unreachable (crashed, stopping, not yet voted dead) from one
/// that failed in itself (a stream whose source went away counts as the first kind). The first kind is worth repeating a moment later: the cluster moves the grain elsewhere
/// within seconds, and turns carry ids, so a repeated turn is applied once.
/// </summary>
public static class SiloLoss
{
    public static bool Is(Exception ex) => ex is SiloUnavailableException or OrleansMessageRejectionException or EnumerationAbortedException
        || ex.InnerException is { } inner && Is(inner);
}
