using System.Numerics.Tensors;

using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>Rectified linear unit, applied in place: y = max(x, 0); dL/dx = dL/dy where y &gt; 0, else 0.</summary>
internal static class Relu
{
    public static void Forward(Span<float> values) => TensorPrimitives.Max(values, 0f, values);

    /// <summary>Turns dL/dy into dL/dx in place, using the layer's output <paramref name="y"/>.</summary>
    public static void Backward(ReadOnlySpan<float> y, Span<float> gradient)
    {
        for (var i = 0; i < gradient.Length; i++)
        {
            if (y[i] <= 0f)
            {
                gradient[i] = 0f;
            }
        }
    }
}
