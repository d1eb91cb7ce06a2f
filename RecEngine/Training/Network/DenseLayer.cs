using System.Numerics.Tensors;

using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// Fully connected layer y = W x + b on a row-major mini-batch. <c>Weights</c> is [Out, In] row-major, so
/// each output is one SIMD dot product and the layer exports to ONNX as <c>Gemm(x, W, b, transB=1)</c>.
/// </summary>
internal sealed class DenseLayer
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
        Span<float> four = stackalloc float[4];
        var b = 0;
        for (; b + 4 <= batch; b += 4)
        {
            var x0 = x.Slice(b * Inputs, Inputs);
            var x1 = x.Slice((b + 1) * Inputs, Inputs);
            var x2 = x.Slice((b + 2) * Inputs, Inputs);
            var x3 = x.Slice((b + 3) * Inputs, Inputs);
            for (var o = 0; o < Outputs; o++)
            {
                DenseKernels.Dot4(w.Slice(o * Inputs, Inputs), x0, x1, x2, x3, four);
                for (var k = 0; k < 4; k++)
                {
                    y[(b + k) * Outputs + o] = four[k] + Bias[o];
                }
            }
        }

        for (; b < batch; b++)
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
        var b = 0;
        // dW_o += sum_b dy[b, o] x_b, four rows per pass over dW.
        for (; b + 4 <= batch; b += 4)
        {
            var x0 = x.Slice(b * Inputs, Inputs);
            var x1 = x.Slice((b + 1) * Inputs, Inputs);
            var x2 = x.Slice((b + 2) * Inputs, Inputs);
            var x3 = x.Slice((b + 3) * Inputs, Inputs);
            for (var o = 0; o < Outputs; o++)
            {
                DenseKernels.MultiplyAdd4(dWeights.Slice(o * Inputs, Inputs),
                    dy[b * Outputs + o], x0, dy[(b + 1) * Outputs + o], x1, dy[(b + 2) * Outputs + o], x2, dy[(b + 3) * Outputs + o], x3);
            }
        }

        for (; b < batch; b++)
        {
            var xb = x.Slice(b * Inputs, Inputs);
            for (var o = 0; o < Outputs; o++)
            {
                var dwo = dWeights.Slice(o * Inputs, Inputs);
                TensorPrimitives.MultiplyAdd(xb, dy[b * Outputs + o], dwo, dwo);
            }
        }

        for (b = 0; b < batch; b++)
        {
            var dyb = dy.Slice(b * Outputs, Outputs);
            TensorPrimitives.Add(dBias, dyb, dBias);
            if (dx.IsEmpty)
            {
                continue;
            }

            // dx_b = sum_o dy[b, o] W_o, four outputs per pass over dx_b.
            var dxb = dx.Slice(b * Inputs, Inputs);
            dxb.Clear();
            var o = 0;
            for (; o + 4 <= Outputs; o += 4)
            {
                DenseKernels.MultiplyAdd4(dxb, dyb[o], w.Slice(o * Inputs, Inputs), dyb[o + 1], w.Slice((o + 1) * Inputs, Inputs),
                    dyb[o + 2], w.Slice((o + 2) * Inputs, Inputs), dyb[o + 3], w.Slice((o + 3) * Inputs, Inputs));
            }

            for (; o < Outputs; o++)
            {
                TensorPrimitives.MultiplyAdd(w.Slice(o * Inputs, Inputs), dyb[o], dxb, dxb);
            }
        }
    }
}
