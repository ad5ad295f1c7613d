using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TextGameGen.Inference.Runtime;

/// <summary>One forward pass through ONNX Runtime, and copying out the logits it wrote.</summary>
public sealed partial class Gpt2Session
{
    private (OrtValue[] Keys, OrtValue[] Values) Run(int batch, int seq, long[] ids, long[] mask, long[] positions,
        OrtValue[] pastKeys, OrtValue[] pastValues, float[] logits, CancellationToken cancellationToken, bool allPositions = false)
    {
        if (logits.Length < batch * VocabularySize) throw new ArgumentException("The logits buffer is too small.", nameof(logits));
        int total = mask.Length / batch;
        var inputNames = new List<string>(3 + 2 * Layers) { "input_ids", "attention_mask", "position_ids" };
        var inputs = new List<OrtValue>(3 + 2 * Layers)
        {
            OrtValue.CreateTensorValueFromMemory(ids, [batch, seq]),
            OrtValue.CreateTensorValueFromMemory(mask, [batch, total]),
            OrtValue.CreateTensorValueFromMemory(positions, [batch, seq]),
        };
        for (int i = 0; i < Layers; i++)
        {
            inputNames.Add($"past_key_values.{i}.key");
            inputNames.Add($"past_key_values.{i}.value");
            inputs.Add(pastKeys[i]);
            inputs.Add(pastValues[i]);
        }

        var keys = new OrtValue[Layers];
        var values = new OrtValue[Layers];
        var outputs = new List<OrtValue>(1 + 2 * Layers);
        bool direct = _lastPositionLogits && !_halfLogits;
        // The logits land straight in the caller's buffer when the graph already gives the last position only.
        var logitsValue = direct
            ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, logits.AsMemory(0, batch * VocabularySize), [batch, 1, VocabularySize])
            : OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _halfLogits ? TensorElementType.Float16 : TensorElementType.Float,
                [batch, _lastPositionLogits ? 1 : seq, VocabularySize]);
        outputs.Add(logitsValue);
        bool ok = false;
        try
        {
            for (int i = 0; i < Layers; i++)
            {
                keys[i] = AllocateCacheTensor(batch, total);
                values[i] = AllocateCacheTensor(batch, total);
                outputs.Add(keys[i]);
                outputs.Add(values[i]);
            }
            CancellableRun.Run(_session, inputNames, inputs, _outputNames, outputs, cancellationToken);
            if (allPositions) CopyAllLogits(logitsValue, logits);
            else if (!direct) CopyLastPositionLogits(logitsValue, batch, _lastPositionLogits ? 1 : seq, logits);
            ok = true;
            return (keys, values);
        }
        finally
        {
            for (int i = 0; i < 3; i++) inputs[i].Dispose();
            logitsValue.Dispose();
            if (!ok)
            {
                foreach (var k in keys) if (k is not null) ReleaseCacheTensor(k);
                foreach (var v in values) if (v is not null) ReleaseCacheTensor(v);
            }
        }
    }

    private void CopyLastPositionLogits(OrtValue value, int batch, int seq, float[] logits)
    {
        int v = VocabularySize;
        if (_halfLogits)
        {
            var data = value.GetTensorDataAsSpan<Float16>();
            for (int b = 0; b < batch; b++)
            {
                var row = data.Slice(((b * seq) + seq - 1) * v, v);
                for (int i = 0; i < v; i++) logits[b * v + i] = row[i].ToFloat();
            }
        }
        else
        {
            var data = value.GetTensorDataAsSpan<float>();
            for (int b = 0; b < batch; b++) data.Slice(((b * seq) + seq - 1) * v, v).CopyTo(logits.AsSpan(b * v, v));
        }
    }

    private void CopyAllLogits(OrtValue value, float[] logits)
    {
        if (_halfLogits)
        {
            var data = value.GetTensorDataAsSpan<Float16>();
            for (int i = 0; i < data.Length; i++) logits[i] = data[i].ToFloat();
        }
        else
        {
            value.GetTensorDataAsSpan<float>().CopyTo(logits);
        }
    }
}
