using System.Globalization;

namespace TextGameGen.Pipeline.Training;

/// <summary>One evaluation of a run: step, tokens seen, mean train loss since the previous one, dev loss, when.</summary>
public sealed record CurvePoint(int Step, long Tokens, double TrainLoss, double DevLoss, DateTimeOffset At)
{
    public double DevPerplexity => Math.Exp(DevLoss);
}

/// <summary>A run's learning curve, read from its <c>curve.tsv</c> (written by <see cref="TrainingRun"/> at every evaluation).</summary>
public static class TrainingCurve
{
    public static IReadOnlyList<CurvePoint> Read(string runFolder)
    {
        string path = Path.Combine(runFolder, TrainingRun.CurveFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"'{runFolder}' has no {TrainingRun.CurveFile}: no evaluation has run there yet.");
        var points = new List<CurvePoint>();
        foreach (var (line, number) in File.ReadLines(path).Select((l, i) => (l, i + 1)).Skip(1))
        {
            var f = line.Split('\t');
            if (f.Length < 6) throw new InvalidDataException($"'{path}' line {number}: expected 6 tab-separated fields, found {f.Length}.");
            var c = CultureInfo.InvariantCulture;
            points.Add(new CurvePoint(int.Parse(f[0], c), long.Parse(f[1], c), double.Parse(f[2], c), double.Parse(f[3], c), DateTimeOffset.Parse(f[5], c)));
        }
        return points;
    }
}
