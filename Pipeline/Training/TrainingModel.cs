using System.Numerics.Tensors;
using TextGameGen.Inference.Model;

namespace TextGameGen.Pipeline.Training;

/// <summary>
/// GPT-2 for training: parameters and gradients in Hugging Face's naming and layout (so the result exports through
/// the inference core's ONNX writer), a forward pass that keeps its activations and the matching backward pass.
/// </summary>
public sealed class TrainingModel
{
    private readonly Gpt2Config _c;
    private readonly Dictionary<string, float[]> _params;
    private readonly Dictionary<string, float[]> _grads;
    private Activations? _acts;

    public TrainingModel(Gpt2Weights weights)
    {
        _c = weights.Config;
        _params = weights.Tensors.ToDictionary(t => t.Name, t => (float[])t.Data.Clone());
        _grads = _params.ToDictionary(kv => kv.Key, kv => new float[kv.Value.Length]);
    }

    public Gpt2Config Config => _c;
    public IReadOnlyDictionary<string, float[]> Parameters => _params;
    public IReadOnlyDictionary<string, float[]> Gradients => _grads;

    public Gpt2Weights ToWeights() => new(_c, Gpt2Weights.ExpectedShapes(_c).Select(s => new NamedTensor(s.Name, s.Shape, (float[])_params[s.Name].Clone())));

    private float[] P(int layer, string name) => _params[$"h.{layer}.{name}"];
    private float[] G(int layer, string name) => _grads[$"h.{layer}.{name}"];

    /// <summary>Runs the model on <paramref name="inputs"/> ([b, t] token ids); returns the mean cross-entropy against <paramref name="targets"/>.</summary>
    public double Forward(int[] inputs, int[] targets, int b, int t)
    {
        int c = _c.Width, n = b * t, v = _c.VocabularySize;
        if (t > _c.Context) throw new ArgumentException($"Sequence length {t} exceeds the context {_c.Context}.");
        var a = _acts = _acts is { } old && old.Matches(b, t) ? old : new Activations(_c, b, t);
        Array.Copy(inputs, a.Inputs, n);
        Array.Copy(targets, a.Targets, n);
        var wte = _params["wte.weight"];
        var wpe = _params["wpe.weight"];
        for (int i = 0; i < n; i++)
            TensorPrimitives.Add(wte.AsSpan(inputs[i] * c, c), wpe.AsSpan((i % t) * c, c), a.Residual[0].AsSpan(i * c, c));

        for (int l = 0; l < _c.Layers; l++)
        {
            var x = a.Residual[l];
            var L = a.Layers[l];
            Kernels.LayerNormForward(L.Ln1, L.Ln1Mean, L.Ln1Rstd, x, P(l, "ln_1.weight"), P(l, "ln_1.bias"), n, c);
            Kernels.MatMulForward(L.Qkv, L.Ln1, P(l, "attn.c_attn.weight"), P(l, "attn.c_attn.bias"), n, c, 3 * c);
            Attention.Forward(L.AttOut, L.Attention, L.Qkv, a.AttentionWork, b, t, c, _c.Heads);
            Kernels.MatMulForward(L.Proj, L.AttOut, P(l, "attn.c_proj.weight"), P(l, "attn.c_proj.bias"), n, c, c);
            TensorPrimitives.Add(x, L.Proj, L.Mid);
            Kernels.LayerNormForward(L.Ln2, L.Ln2Mean, L.Ln2Rstd, L.Mid, P(l, "ln_2.weight"), P(l, "ln_2.bias"), n, c);
            Kernels.MatMulForward(L.Fc, L.Ln2, P(l, "mlp.c_fc.weight"), P(l, "mlp.c_fc.bias"), n, c, 4 * c);
            Kernels.GeluForward(L.Gelu, L.Fc);
            Kernels.MatMulForward(L.FcProj, L.Gelu, P(l, "mlp.c_proj.weight"), P(l, "mlp.c_proj.bias"), n, 4 * c, c);
            TensorPrimitives.Add(L.Mid, L.FcProj, a.Residual[l + 1]);
        }
        Kernels.LayerNormForward(a.LnF, a.LnFMean, a.LnFRstd, a.Residual[_c.Layers], _params["ln_f.weight"], _params["ln_f.bias"], n, c);
        Kernels.LmHeadForward(a.Logits, a.LnF, wte, n, c, v);
        // Softmax in place: the probabilities are what the backward pass needs.
        a.HoldsProbabilities = true;
        return Kernels.SoftmaxCrossEntropy(a.Logits, targets, n, v).Average();
    }

    public void ZeroGradients()
    {
        foreach (var g in _grads.Values) Array.Clear(g);
    }

    /// <summary>Accumulates the gradients of the last forward pass's mean loss.</summary>
    public void Backward()
    {
        var a = _acts ?? throw new InvalidOperationException("Run Forward first.");
        if (!a.HoldsProbabilities) throw new InvalidOperationException("Backward runs once per Forward.");
        int b = a.B, t = a.T, c = _c.Width, n = b * t, v = _c.VocabularySize;
        var g = a.Grads;
        // The probabilities become the logits' gradient in place (they are not needed after this).
        Kernels.CrossEntropyBackward(a.Logits, a.Targets, n, v);
        a.HoldsProbabilities = false;
        g.Clear();
        Kernels.LmHeadBackward(g.LnF, _grads["wte.weight"], a.Logits, a.LnF, _params["wte.weight"], n, c, v);
        var dx = g.Residual;
        Kernels.LayerNormBackward(dx, _grads["ln_f.weight"], _grads["ln_f.bias"], g.LnF, a.Residual[_c.Layers], _params["ln_f.weight"], a.LnFMean, a.LnFRstd, n, c);

        for (int l = _c.Layers - 1; l >= 0; l--)
        {
            var L = a.Layers[l];
            g.ClearLayer();
            // next = mid + fcproj: the gradient flows to both unchanged.
            Kernels.MatMulBackward(g.Gelu, G(l, "mlp.c_proj.weight"), G(l, "mlp.c_proj.bias"), dx, L.Gelu, P(l, "mlp.c_proj.weight"), n, 4 * c, c);
            Kernels.GeluBackward(g.Fc, L.Fc, g.Gelu);
            Kernels.MatMulBackward(g.Ln, G(l, "mlp.c_fc.weight"), G(l, "mlp.c_fc.bias"), g.Fc, L.Ln2, P(l, "mlp.c_fc.weight"), n, c, 4 * c);
            Kernels.LayerNormBackward(dx, G(l, "ln_2.weight"), G(l, "ln_2.bias"), g.Ln, L.Mid, P(l, "ln_2.weight"), L.Ln2Mean, L.Ln2Rstd, n, c);
            // mid = x + proj
            Kernels.MatMulBackward(g.AttOut, G(l, "attn.c_proj.weight"), G(l, "attn.c_proj.bias"), dx, L.AttOut, P(l, "attn.c_proj.weight"), n, c, c);
            Attention.Backward(g.Qkv, g.AttOut, L.Attention, a.AttentionWork, b, t, c, _c.Heads);
            Array.Clear(g.Ln);
            Kernels.MatMulBackward(g.Ln, G(l, "attn.c_attn.weight"), G(l, "attn.c_attn.bias"), g.Qkv, L.Ln1, P(l, "attn.c_attn.weight"), n, c, 3 * c);
            Kernels.LayerNormBackward(dx, G(l, "ln_1.weight"), G(l, "ln_1.bias"), g.Ln, a.Residual[l], P(l, "ln_1.weight"), L.Ln1Mean, L.Ln1Rstd, n, c);
        }
        var dwte = _grads["wte.weight"];
        var dwpe = _grads["wpe.weight"];
        for (int i = 0; i < n; i++)
        {
            var row = dx.AsSpan(i * c, c);
            var e = dwte.AsSpan(a.Inputs[i] * c, c);
            TensorPrimitives.Add(e, row, e);
            var p = dwpe.AsSpan((i % t) * c, c);
            TensorPrimitives.Add(p, row, p);
        }
    }

    private sealed class LayerActivations(int n, int c, int heads, int t, int b)
    {
        public float[] Ln1 = new float[n * c], Ln1Mean = new float[n], Ln1Rstd = new float[n];
        public float[] Qkv = new float[n * 3 * c], AttOut = new float[n * c], Proj = new float[n * c];
        public Attention.Saved Attention = new(b, t, c, heads);
        public float[] Mid = new float[n * c], Ln2 = new float[n * c], Ln2Mean = new float[n], Ln2Rstd = new float[n];
        public float[] Fc = new float[n * 4 * c], Gelu = new float[n * 4 * c], FcProj = new float[n * c];
    }

    /// <summary>The activations' gradients, reused layer after layer and step after step.</summary>
    private sealed class ActivationGradients(int n, int c)
    {
        public readonly float[] Residual = new float[n * c], LnF = new float[n * c], Ln = new float[n * c];
        public readonly float[] Gelu = new float[n * 4 * c], Fc = new float[n * 4 * c], AttOut = new float[n * c], Qkv = new float[n * 3 * c];

        public void Clear()
        {
            Array.Clear(Residual);
            Array.Clear(LnF);
        }

        public void ClearLayer()
        {
            Array.Clear(Gelu);
            Array.Clear(Fc);
            Array.Clear(Ln);
            Array.Clear(AttOut);
            Array.Clear(Qkv);
        }
    }

    private sealed class Activations
    {
        public Activations(Gpt2Config config, int b, int t)
        {
            B = b;
            T = t;
            int n = b * t, c = config.Width;
            Inputs = new int[n];
            Targets = new int[n];
            Residual = Enumerable.Range(0, config.Layers + 1).Select(_ => new float[n * c]).ToArray();
            Layers = Enumerable.Range(0, config.Layers).Select(_ => new LayerActivations(n, c, config.Heads, t, b)).ToArray();
            AttentionWork = new Attention.Workspace(b, t, c, config.Heads);
            Grads = new ActivationGradients(n, c);
            LnF = new float[n * c];
            LnFMean = new float[n];
            LnFRstd = new float[n];
            Logits = new float[(long)n * config.VocabularySize];
        }

        public int B { get; }
        public int T { get; }
        public int[] Inputs, Targets;
        public float[][] Residual;
        public LayerActivations[] Layers;
        public float[] LnF, LnFMean, LnFRstd, Logits;
        public Attention.Workspace AttentionWork;
        public ActivationGradients Grads;
        public bool HoldsProbabilities;

        public bool Matches(int b, int t) => B == b && T == t;
    }
}
