using System.Numerics.Tensors;

using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// One cross layer of DCN-v2 (Wang et al. 2021, eq. 1): x_{l+1} = x0 ⊙ (W x_l + b) + x_l, with a full-rank
/// square W. The inner u = W x_l + b is kept by the caller for the backward pass.
/// </summary>
internal sealed class CrossLayer
{
    public CrossLayer(int width) => Linear = new DenseLayer(width, width);

    public int Width => Linear.Inputs;

    /// <summary>W and b of the layer.</summary>
    public DenseLayer Linear { get; }

    /// <summary>Computes u = W x_l + b into <paramref name="u"/> and x_{l+1} into <paramref name="y"/>.</summary>
    public void Forward(ReadOnlySpan<float> x0, ReadOnlySpan<float> xl, Span<float> u, Span<float> y, int batch)
    {
        var n = batch * Width;
        Linear.Forward(xl, u, batch);
        TensorPrimitives.MultiplyAdd(x0[..n], u[..n], xl[..n], y[..n]);
    }

    /// <summary>
    /// Backward pass. With g = dL/dx_{l+1}: dL/du = g ⊙ x0, dL/dx0 += g ⊙ u, dL/dx_l = W^T (g ⊙ x0) + g.
    /// <paramref name="du"/> is scratch of the batch's size; <paramref name="dx0"/> is accumulated into.
    /// </summary>
    public void Backward(
        ReadOnlySpan<float> x0, ReadOnlySpan<float> xl, ReadOnlySpan<float> u, ReadOnlySpan<float> dy,
        Span<float> du, Span<float> dx0, Span<float> dxl, Span<float> dWeights, Span<float> dBias, int batch)
    {
        var n = batch * Width;
        TensorPrimitives.Multiply(dy[..n], x0[..n], du[..n]);
        TensorPrimitives.MultiplyAdd(dy[..n], u[..n], dx0[..n], dx0[..n]);
        Linear.Backward(xl, du, dxl, dWeights, dBias, batch);
        TensorPrimitives.Add(dxl[..n], dy[..n], dxl[..n]);
    }
}
