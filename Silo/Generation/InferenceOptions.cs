using System.ComponentModel.DataAnnotations;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Silo.Generation;

/// <summary>Configuration section <c>TextGameGen:Inference</c>: which generators this silo serves, on what device.</summary>
public sealed class InferenceOptions : IValidatableObject
{
    public const string Section = "TextGameGen:Inference";

    /// <summary>
    /// Whether this silo serves models. False: a game-only silo (players, rooms, worlds), which sends every passage to a
    /// silo that serves its generator. Read by the headless silo; the embedded game always serves.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Generator name to model directory. Empty (and no <see cref="RegistryRoot"/>): the production versions of the
    /// registry in <c>models/</c> when it has any (the bundled model), else a "default" generator from <see cref="DefaultModelPath"/>.
    /// </summary>
    public Dictionary<string, string> Generators { get; set; } = [];

    /// <summary>
    /// Model directory of the default generator. When it holds no model, a tiny model with seeded random weights is
    /// created at first start in the user's local application data (until the pipeline's trained model is bundled).
    /// </summary>
    [Required]
    public string DefaultModelPath { get; set; } = "models/default/current";

    /// <summary>
    /// A model registry root (see <c>tgg registry</c>). When set, every generator with a production version there is
    /// served, and a newly promoted version is loaded without a restart: in-flight generations finish on the old one.
    /// </summary>
    public string? RegistryRoot { get; set; }

    /// <summary>How often the registry is checked for promotions.</summary>
    public TimeSpan RegistryPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>cpu or cuda.</summary>
    [Required, RegularExpression("(?i)^(cpu|cuda|gpu)$", ErrorMessage = "Device must be cpu or cuda.")]
    public string Device { get; set; } = "cpu";

    /// <summary>ONNX Runtime's threads per forward pass; 0: one per core. Fewer leaves cores to the game server in the same process.</summary>
    [Range(0, 1024)] public int IntraOpThreads { get; set; }

    /// <summary>
    /// Let ONNX Runtime's worker threads spin between runs. Off by default: between decode steps the scheduler samples
    /// on the same cores, and spinning threads would compete with it.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// Linux nice value of the model's threads (decode loop and ONNX Runtime workers): 19 (the lowest priority) by default, so the server's
    /// short work (acknowledging turns, pushing messages) runs first and the model gets the cores whenever it is idle.
    /// </summary>
    [Range(0, 19)] public int Nice { get; set; } = 19;

    /// <summary>
    /// Section <c>TextGameGen:Inference:Scheduler</c>: batching mode, batch size, queue bound, KV and prefill budgets
    /// of every generator's scheduler (the context length comes from each model, the thread priority from <see cref="Nice"/>).
    /// </summary>
    public SchedulerOptions Scheduler { get; set; } = new();

    /// <summary>
    /// How the KV cache is laid out: <c>slots</c> (CPU: one fixed slot per row written in place, no padding, no copy
    /// per step; memory for MaxBatchSize + 2 rows of the model's context is reserved up front) or <c>optimum</c>
    /// (Hugging Face Optimum's layout, caches grow with the batch; runs any Optimum export and is what CUDA uses).
    /// A model file not written by this project falls back to <c>optimum</c>, saying so.
    /// </summary>
    public KvLayout KvLayout { get; set; } = KvLayout.Slots;

    /// <summary>
    /// Slot layout: MiB of kept prompts' keys and values per generator, so that a prompt opening as a recent one did
    /// (every context opens with the world's memory, then the room's lines) copies those positions instead of
    /// computing them again (a copied position's keys and values can differ from a whole prefill's in the last bits of
    /// a float, so a seeded passage may come out differently with and without it); 0 turns it off. Least recently
    /// used prompts go first. Default 64: with the bundled 512-token model it serves 1.38x the tokens/s at 32 players.
    /// </summary>
    [Range(0, 65536)] public int PrefixCacheMiB { get; set; } = 64;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Scheduler.Problem() is { } problem) yield return new ValidationResult($"Scheduler:{problem}", [nameof(Scheduler)]);
    }
}
