using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Packaging;

namespace TextGameGen.Cluster.Tests;

/// <summary>The tiny model with seeded random weights, as a model directory the silos load, and a world file for it.</summary>
public static class TestModel
{
    private static readonly Lazy<string> s_directory = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "tgg-cluster-tests", "tiny-" + Guid.NewGuid().ToString("N"));
        ModelDirectory.Save(dir, Gpt2Weights.CreateRandom(Gpt2Config.Tiny, seed: 3), OnnxExportOptions.Default, new ModelSource { Kind = "random" });
        return dir;
    });

    private static readonly Lazy<string> s_worlds = new(() =>
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("tgg-cluster-worlds-").FullName;
        File.WriteAllText(Path.Combine(dir, "keep.json"), """
            {
              "id": "keep", "title": "The Keep", "description": "Three rooms.", "generator": "default", "sampler_preset": null,
              "start_room": "yard", "memory": "You are a squire.", "authors_note": "",
              "rooms": [
                { "id": "yard", "name": "The Yard", "description": "A muddy yard.", "exits": { "in": "hall", "up": "tower" }, "items": ["bucket", "rope", "stone"], "npcs": ["groom"] },
                { "id": "hall", "name": "The Hall", "description": "A long hall.", "exits": { "out": "yard" }, "items": ["cup"], "npcs": [] },
                { "id": "tower", "name": "The Tower", "description": "A windy tower.", "exits": { "down": "yard" }, "items": [], "npcs": [] }
              ]
            }
            """);
        return dir;
    });

    public static string Directory => s_directory.Value;
    public static string Worlds => s_worlds.Value;
}
