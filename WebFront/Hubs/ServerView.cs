using TextGameGen.Silo.Generation;

namespace TextGameGen.WebFront.Hubs;

/// <summary>What the GM's server tab shows: this front end and every model-serving silo's generators, as last reported.</summary>
public sealed record ServerView(string FrontEnd, int Connections, DateTime AtUtc, IReadOnlyList<SiloView> Silos);

/// <summary>One silo's generators, as it last reported them.</summary>
public sealed record SiloView(string Silo, DateTime ReportedUtc, IReadOnlyList<GeneratorView> Generators);

/// <summary>One generator on one silo: free and running rows, queue, tokens/s, time to first token (null before any), ended requests.</summary>
public sealed record GeneratorView(string Name, string Version, int FreeRows, int Running, int Queued, double TokensPerSecond,
    double? FirstTokenP50Ms, double? FirstTokenP99Ms, long Completed, long Busy, long Failed)
{
    public static GeneratorView Of(GeneratorLoad g) => new(g.Name, g.Version, g.FreeRows, g.Running, g.Queued, Math.Round(g.TokensPerSecond, 1),
        double.IsNaN(g.FirstTokenP50Ms) ? null : Math.Round(g.FirstTokenP50Ms, 1), double.IsNaN(g.FirstTokenP99Ms) ? null : Math.Round(g.FirstTokenP99Ms, 1),
        g.Completed, g.Busy, g.Failed);
}
