namespace RecEngine.Simulation;

/// <summary>The few vector operations the generative model needs.</summary>
internal static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    public static void Normalize(Span<float> v)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        if (norm > 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
        }
    }

    public static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float scale)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] += scale * source[i];
        }
    }

    /// <summary>Adds isotropic Gaussian noise whose expected norm is about <paramref name="scale"/>.</summary>
    public static void AddNoise(Span<float> v, SimRandom rng, double scale)
    {
        var perDimension = scale / Math.Sqrt(v.Length);
        for (var i = 0; i < v.Length; i++)
        {
            v[i] += (float)(perDimension * rng.NextGaussian());
        }
    }
}
