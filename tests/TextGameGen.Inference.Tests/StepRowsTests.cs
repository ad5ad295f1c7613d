using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Inference.Tests;

/// <summary>A decode step's rows, run by the loop thread with helpers that take rows only while they are awake.</summary>
public sealed class StepRowsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void EveryRowOfEveryStepRunsOnceBeforeTheStepReturns(int helpers)
    {
        using var rows = new StepRows(helpers);
        var random = new Random(helpers);
        for (int step = 0; step < 2_000; step++)
        {
            int count = random.Next(1, 40);
            var runs = new int[count];
            // Uneven work, so that helpers (when awake) take some rows and the loop thread others.
            rows.For(count, i =>
            {
                Interlocked.Increment(ref runs[i]);
                if (i % 7 == 0) Thread.SpinWait(2_000);
            });
            Assert.All(runs, r => Assert.Equal(1, r)); // each row once, all done before For returned
        }
    }

    [Fact]
    public void ARowsFailureReachesTheCallerAfterTheOtherRowsRan()
    {
        using var rows = new StepRows(helpers: 2);
        int ran = 0;
        var ex = Assert.Throws<InvalidOperationException>(() => rows.For(20, i =>
        {
            Interlocked.Increment(ref ran);
            if (i == 5) throw new InvalidOperationException("row 5");
        }));
        Assert.Equal("row 5", ex.Message);
        Assert.Equal(20, ran);

        int next = 0;
        rows.For(3, _ => Interlocked.Increment(ref next)); // the next step is not affected
        Assert.Equal(3, next);
    }
}
