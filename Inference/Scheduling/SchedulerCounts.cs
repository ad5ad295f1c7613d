namespace TextGameGen.Inference.Scheduling;

/// <summary>Outcome counts since the scheduler started: Submitted = the sum of the outcomes + in flight.</summary>
public sealed record SchedulerCounts(long Submitted, long Completed, long Cancelled, long Busy, long TimedOut, long Failed, int Waiting, int Running)
{
    public long Ended => Completed + Cancelled + Busy + TimedOut + Failed;
}
