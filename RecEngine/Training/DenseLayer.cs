using System.Numerics.Tensors;

namespace RecEngine.Training;

/// <summary>
/// Fully connected layer y = W x + b on a row-major mini-batch. <c>Weights</c> is [Out, In] row-major, so
/// each output is one SIMD dot product and the layer exports to ONNX as <c>Gemm(x, W, b, transB=1)</c>.
/// </summary>
public sealed class DenseLayer
{
    public DenseLayer(int inputs, int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        Inputs = inputs;
        Outputs = outputs;
        Weights = new float[outputs * inputs];
        Bias = new float[outputs];
    }

    public int Inputs { get; }
    public int Outputs { get; }
    public float[] Weights { get; }
    public float[] Bias { get; }

    /// <summary>He et al. 2015 initialisation (uniform with variance 2 / fan_in) for layers followed by ReLU.</summary>
    public void InitializeHe(Random random) => InitializeUniform(random, MathF.Sqrt(6f / Inputs));

    /// <summary>Glorot and Bengio 2010 initialisation (uniform with variance 2 / (fan_in + fan_out)).</summary>
    public void InitializeGlorot(Random random) => InitializeUniform(random, MathF.Sqrt(6f / (Inputs + Outputs)));

    private void InitializeUniform(Random random, float limit)
    {
        for (var i = 0; i < Weights.Length; i++)
        {
            Weights[i] = ((float)random.NextDouble() * 2f - 1f) * limit;
        }

        Array.Clear(Bias);
    }

    /// <summary>y[b, :] = W x[b, :] + bias for each of <paramref name="batch"/> rows.</summary>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, int batch)
    {
        var w = Weights.AsSpan();
        for (var b = 0; b < batch; b++)
        {
            var xb = x.Slice(b * Inputs, Inputs);
            var yb = y.Slice(b * Outputs, Outputs);
            for (var o = 0; o < Outputs; o++)
            {
                yb[o] = TensorPrimitives.Dot(w.Slice(o * Inputs, Inputs), xb) + Bias[o];
            }
        }
    }

    /// <summary>
    /// Given dL/dy, accumulates dL/dW += dy^T x and dL/db += sum over rows of dy, and writes dL/dx = dy W
    /// (skipped when <paramref name="dx"/> is empty, e.g. for the first layer over raw inputs).
    /// </summary>
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dWeights, Span<float> dBias, int batch)
    {
        var w = Weights.AsSpan();
        for (var b = 0; b < batch; b++)
        {
            var xb = x.Slice(b * Inputs, Inputs);
            var dyb = dy.Slice(b * Outputs, Outputs);
            TensorPrimitives.Add(dBias, dyb, dBias);
            Span<float> dxb = dx.IsEmpty ? default : dx.Slice(b * Inputs, Inputs);
            dxb.Clear();
            for (var o = 0; o < Outputs; o++)
            {
                var g = dyb[o];
                if (g == 0f)
                {
                    continue;
                }

                var dwo = dWeights.Slice(o * Inputs, Inputs);
                TensorPrimitives.MultiplyAdd(xb, g, dwo, dwo);
                if (!dxb.IsEmpty)
                {
                    TensorPrimitives.MultiplyAdd(w.Slice(o * Inputs, Inputs), g, dxb, dxb);
                }
            }
        }
    }
}
