using System.CommandLine;
using TextGameGen.Pipeline.Output;
using TextGameGen.Pipeline.Reports;
using TextGameGen.Pipeline.Training;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg train curve</c>: a run's learning curve (curve.tsv) as a table and a PNG.</summary>
internal static class TrainCurveCommand
{
    public static Command Create()
    {
        var runs = new Option<string[]>("--run") { Required = true, AllowMultipleArgumentsPerToken = true, Description = "training run folders (tgg train --out); several are drawn together" };
        var output = new Option<string?>("--out") { Description = "the PNG to write (default: curve.png in the first run's folder)" };
        var title = new Option<string>("--title") { DefaultValueFactory = _ => "Learning curve", Description = "the picture's title" };
        var command = new Command("curve", "Dev loss against tokens seen: a table per run and a PNG") { runs, output, title };
        command.SetAction((parse, _) => CommandErrors.Guard(() =>
        {
            var folders = parse.GetValue(runs)!;
            var curves = folders.Select(f => (Name: Path.GetFileName(Path.GetFullPath(f).TrimEnd(Path.DirectorySeparatorChar)), Points: TrainingCurve.Read(f))).ToList();
            foreach (var (name, points) in curves)
            {
                Console.WriteLine($"{name}:");
                var table = TableWriter.With("#step", "#tokens (M)", "#train loss", "#dev loss", "#dev perplexity", "at (UTC)");
                foreach (var p in points)
                    table.Row(p.Step, (p.Tokens / 1e6).ToString("F2"), p.TrainLoss.ToString("F3"), p.DevLoss.ToString("F3"), p.DevPerplexity.ToString("F1"), p.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm"));
                table.Write();
                Console.WriteLine();
            }
            string png = parse.GetValue(output) ?? Path.Combine(folders[0], "curve.png");
            CurvePlot.Save(png, parse.GetValue(title)!, [.. curves.Select(c => (c.Name, c.Points))]);
            Console.WriteLine($"wrote {png}");
            return 0;
        }));
        return command;
    }
}
