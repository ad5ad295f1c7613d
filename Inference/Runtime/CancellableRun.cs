using Microsoft.ML.OnnxRuntime;

namespace TextGameGen.Inference.Runtime;

/// <summary>One ONNX Runtime run that a cancellation token stops mid-way (ORT checks RunOptions.Terminate between operators).</summary>
internal static class CancellableRun
{
    public static void Run(InferenceSession session, IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs,
        IReadOnlyCollection<string> outputNames, IReadOnlyCollection<OrtValue> outputs, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions();
        using (cancellationToken.Register(() => runOptions.Terminate = true))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                session.Run(runOptions, inputNames, inputs, outputNames, outputs);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }
}
