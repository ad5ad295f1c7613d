using ScottPlot;

namespace TextGameGen.LoadTest;

/// <summary>A soak's series as one PNG: acknowledgement and first-token times, passages per interval, the server's memory and its garbage collector.</summary>
public static class SoakChart
{
    public static void Save(string path, string title, IReadOnlyList<SoakPoint> points, int width = 1100, int height = 1400)
    {
        double[] minutes = [.. points.Select(p => p.Minute)];
        var multiplot = new Multiplot();
        multiplot.AddPlots(5);

        var latency = multiplot.GetPlot(0);
        Line(latency, minutes, points.Select(p => p.ServerAckP99Ms), "ack p99 inside the server (ms)", Colors.DarkBlue);
        Line(latency, minutes, points.Select(p => p.AckP99Ms), "ack p99 at the clients (ms)", Colors.CornflowerBlue);
        latency.Title(title);
        latency.YLabel("acknowledgement ms");
        latency.ShowLegend(Alignment.UpperLeft);

        var firstToken = multiplot.GetPlot(1);
        Line(firstToken, minutes, points.Select(p => p.FirstTokenP50Ms), "time to first token p50 (ms)", Colors.DarkOrange);
        Line(firstToken, minutes, points.Select(p => p.FirstTokenP99Ms), "time to first token p99 (ms)", Colors.Orange);
        firstToken.YLabel("first token ms");
        firstToken.ShowLegend(Alignment.UpperLeft);

        var passages = multiplot.GetPlot(2);
        Line(passages, minutes, points.Select(p => (double)p.PassagesCompleted), "passages completed", Colors.ForestGreen);
        Line(passages, minutes, points.Select(p => (double)p.PassagesBusy), "answered busy", Colors.Crimson);
        Line(passages, minutes, points.Select(p => (double)p.PassagesFailed), "failed", Colors.Black);
        Line(passages, minutes, points.Select(p => (double)p.ConnectedClients), "connected clients", Colors.Gray);
        passages.YLabel("per interval");
        passages.ShowLegend(Alignment.UpperLeft);

        var memory = multiplot.GetPlot(3);
        Line(memory, minutes, points.Select(p => p.ServerRssMiB), "server working set (MiB)", Colors.Purple);
        Line(memory, minutes, points.Select(p => p.ServerGcHeapMiB), "server GC heap (MiB)", Colors.Orchid);
        if (points.Any(p => !double.IsNaN(p.DatabaseMiB))) Line(memory, minutes, points.Select(p => p.DatabaseMiB), "database (MiB)", Colors.SaddleBrown);
        memory.YLabel("MiB");
        memory.ShowLegend(Alignment.UpperLeft);

        var gc = multiplot.GetPlot(4);
        Line(gc, minutes, points.Select(p => p.ServerGcPauseMs), "server GC pauses (ms per interval)", Colors.DarkRed);
        Line(gc, minutes, points.Select(p => p.ServerGcCollections), "server GC collections per interval", Colors.Teal);
        gc.YLabel("per interval");
        gc.XLabel("minutes");
        gc.ShowLegend(Alignment.UpperLeft);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, width, height);
    }

    private static void Line(Plot plot, double[] xs, IEnumerable<double> ys, string label, Color color)
    {
        var line = plot.Add.Scatter(xs, [.. ys.Select(y => double.IsNaN(y) ? 0 : y)]);
        line.LegendText = label;
        line.Color = color;
        line.LineWidth = 2;
        line.MarkerSize = 4;
    }
}
