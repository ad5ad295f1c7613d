using ScottPlot;
using TextGameGen.Pipeline.Training;

namespace TextGameGen.Pipeline.Reports;

/// <summary>Learning curves as a PNG: dev loss (and the mean train loss between evaluations) against tokens seen, one colour per run.</summary>
public static class CurvePlot
{
    public static void Save(string path, string title, IReadOnlyList<(string Name, IReadOnlyList<CurvePoint> Points)> runs, int width = 1000, int height = 560)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < runs.Count; i++)
        {
            var (name, points) = runs[i];
            double[] tokens = [.. points.Select(p => p.Tokens / 1e6)];
            var dev = plot.Add.Scatter(tokens, [.. points.Select(p => p.DevLoss)]);
            dev.LegendText = $"{name}: dev";
            dev.Color = palette.GetColor(i);
            dev.LineWidth = 2;
            dev.MarkerSize = 6;
            var train = plot.Add.Scatter(tokens, [.. points.Select(p => p.TrainLoss)]);
            train.LegendText = $"{name}: train (mean since the previous evaluation)";
            train.Color = palette.GetColor(i).WithAlpha(0.45);
            train.LinePattern = LinePattern.Dashed;
            train.MarkerSize = 0;
        }
        plot.Title(title);
        plot.XLabel("tokens seen (millions)");
        plot.YLabel("cross-entropy (nats per token)");
        plot.ShowLegend(Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }
}
