using System.Runtime.InteropServices;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>What machine a benchmark ran on, for the report.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Os, string Device)
{
    public static MachineInfo Current(string device)
    {
        string cpu = RuntimeInformation.ProcessArchitecture.ToString();
        if (File.Exists("/proc/cpuinfo"))
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
        }
        return new MachineInfo(cpu, Environment.ProcessorCount, RuntimeInformation.OSDescription, device);
    }

    public override string ToString() => $"{Cpu}, {Cores} cores, {Os}, device {Device}";
}
