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
            for (int k = 0; k < c; k++) a.Residual[0][i * c + k] = wte[inputs[i] * c + k] + wpe[(i % t) * c + k];

        for (int l = 0; l < _c.Layers; l++)
        {
            var x = a.Residual[l];
            var L = a.Layers[l];
            Kernels.LayerNormForward(L.Ln1, L.Ln1Mean, L.Ln1Rstd, x, P(l, "ln_1.weight"), P(l, "ln_1.bias"), n, c);
            Kernels.MatMulForward(L.Qkv, L.Ln1, P(l, "attn.c_attn.weight"), P(l, "attn.c_attn.bias"), n, c, 3 * c);
            Kernels.AttentionForward(L.AttOut, L.Att, L.Qkv, b, t, c, _c.Heads);
            Kernels.MatMulForward(L.Proj, L.AttOut, P(l, "attn.c_proj.weight"), P(l, "attn.c_proj.bias"), n, c, c);
            for (int i = 0; i < n * c; i++) L.Mid[i] = x[i] + L.Proj[i];
            Kernels.LayerNormForward(L.Ln2, L.Ln2Mean, L.Ln2Rstd, L.Mid, P(l, "ln_2.weight"), P(l, "ln_2.bias"), n, c);
            Kernels.MatMulForward(L.Fc, L.Ln2, P(l, "mlp.c_fc.weight"), P(l, "mlp.c_fc.bias"), n, c, 4 * c);
            Kernels.GeluForward(L.Gelu, L.Fc);
            Kernels.MatMulForward(L.FcProj, L.Gelu, P(l, "mlp.c_proj.weight"), P(l, "mlp.c_proj.bias"), n, 4 * c, c);
            var next = a.Residual[l + 1];
            for (int i = 0; i < n * c; i++) next[i] = L.Mid[i] + L.FcProj[i];
        }
        Kernels.LayerNormForward(a.LnF, a.LnFMean, a.LnFRstd, a.Residual[_c.Layers], _params["ln_f.weight"], _params["ln_f.bias"], n, c);
        Kernels.LmHeadForward(a.Logits, a.LnF, wte, n, c, v);

        // Softmax in place (the probabilities are what the backward pass needs) and the mean cross-entropy.
        var losses = new double[n];
        Parallel.For(0, n, i =>
        {
            var row = a.Logits.AsSpan((int)((long)i * v), v);
            float max = float.NegativeInfinity;
            foreach (var x in row) max = MathF.Max(max, x);
            double sum = 0;
            for (int k = 0; k < v; k++) { row[k] = MathF.Exp(row[k] - max); sum += row[k]; }
            for (int k = 0; k < v; k++) row[k] = (float)(row[k] / sum);
            losses[i] = -Math.Log(Math.Max(row[targets[i]], 1e-30f));
        });
        return losses.Average();
    }

    public void ZeroGradients()
    {
        foreach (var g in _grads.Values) Array.Clear(g);
    }

    /// <summary>Accumulates the gradients of the last forward pass's mean loss.</summary>
    public void Backward()
    {
        var a = _acts ?? throw new InvalidOperationException("Run Forward first.");
        int b = a.B, t = a.T, c = _c.Width, n = b * t, v = _c.VocabularySize;
        var probs = a.Logits; // softmax probabilities after Forward
        var dlogits = new float[(long)n * v];
        Parallel.For(0, n, i =>
        {
            long o = (long)i * v;
            for (int k = 0; k < v; k++) dlogits[o + k] = probs[o + k] / n;
            dlogits[o + a.Targets[i]] -= 1f / n;
        });
        var dx = new float[n * c];
        var dlnf = new float[n * c];
        Kernels.LmHeadBackward(dlnf, _grads["wte.weight"], dlogits, a.LnF, _params["wte.weight"], n, c, v);
        Kernels.LayerNormBackward(dx, _grads["ln_f.weight"], _grads["ln_f.bias"], dlnf, a.Residual[_c.Layers], _params["ln_f.weight"], a.LnFMean, a.LnFRstd, n, c);

        for (int l = _c.Layers - 1; l >= 0; l--)
        {
            var L = a.Layers[l];
            // next = mid + fcproj: the gradient flows to both unchanged.
            var dgelu = new float[n * 4 * c];
            Kernels.MatMulBackward(dgelu, G(l, "mlp.c_proj.weight"), G(l, "mlp.c_proj.bias"), dx, L.Gelu, P(l, "mlp.c_proj.weight"), n, 4 * c, c);
            var dfc = new float[n * 4 * c];
            Kernels.GeluBackward(dfc, L.Fc, dgelu);
            var dln2 = new float[n * c];
            Kernels.MatMulBackward(dln2, G(l, "mlp.c_fc.weight"), G(l, "mlp.c_fc.bias"), dfc, L.Ln2, P(l, "mlp.c_fc.weight"), n, c, 4 * c);
            Kernels.LayerNormBackward(dx, G(l, "ln_2.weight"), G(l, "ln_2.bias"), dln2, L.Mid, P(l, "ln_2.weight"), L.Ln2Mean, L.Ln2Rstd, n, c);
            // mid = x + proj
            var dattOut = new float[n * c];
            Kernels.MatMulBackward(dattOut, G(l, "attn.c_proj.weight"), G(l, "attn.c_proj.bias"), dx, L.AttOut, P(l, "attn.c_proj.weight"), n, c, c);
            var dqkv = new float[n * 3 * c];
            Kernels.AttentionBackward(dqkv, dattOut, L.Qkv, L.Att, b, t, c, _c.Heads);
            var dln1 = new float[n * c];
            Kernels.MatMulBackward(dln1, G(l, "attn.c_attn.weight"), G(l, "attn.c_attn.bias"), dqkv, L.Ln1, P(l, "attn.c_attn.weight"), n, c, 3 * c);
            Kernels.LayerNormBackward(dx, G(l, "ln_1.weight"), G(l, "ln_1.bias"), dln1, a.Residual[l], P(l, "ln_1.weight"), L.Ln1Mean, L.Ln1Rstd, n, c);
        }
        var dwte = _grads["wte.weight"];
        var dwpe = _grads["wpe.weight"];
        for (int i = 0; i < n; i++)
        {
            Kernels.Axpy(dwte.AsSpan(a.Inputs[i] * c, c), 1f, dx.AsSpan(i * c, c));
            Kernels.Axpy(dwpe.AsSpan((i % t) * c, c), 1f, dx.AsSpan(i * c, c));
        }
    }

    private sealed class LayerActivations(int n, int c, int heads, int t, int b)
    {
        public float[] Ln1 = new float[n * c], Ln1Mean = new float[n], Ln1Rstd = new float[n];
        public float[] Qkv = new float[n * 3 * c], Att = new float[b * heads * t * t], AttOut = new float[n * c], Proj = new float[n * c];
        public float[] Mid = new float[n * c], Ln2 = new float[n * c], Ln2Mean = new float[n], Ln2Rstd = new float[n];
        public float[] Fc = new float[n * 4 * c], Gelu = new float[n * 4 * c], FcProj = new float[n * c];
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

        public bool Matches(int b, int t) => B == b && T == t;
    }
}
