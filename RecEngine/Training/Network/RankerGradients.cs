using System.Numerics.Tensors;

using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>Gradients of every parameter of a <see cref="RankerNetwork"/>: dense ones in full, embeddings by row.</summary>
internal sealed class RankerGradients
{
    public RankerGradients(RankerNetwork network)
    {
        Dense = [.. network.DenseParameters.Select(p => new float[p.Length])];
        Sparse = [.. network.Tables.Select(t => new SparseRowGradient(t.Width))];
    }

    /// <summary>In the order of <see cref="RankerNetwork.DenseParameters"/>.</summary>
    public float[][] Dense { get; }

    /// <summary>One per embedding table: the categorical fields, then the text fields.</summary>
    public SparseRowGradient[] Sparse { get; }

    public void Clear()
    {
        foreach (var g in Dense)
        {
            Array.Clear(g);
        }

        foreach (var s in Sparse)
        {
            s.Clear();
        }
    }

    /// <summary>this += other; callers add workers in a fixed order so the sum is the same on every run.</summary>
    public void Add(RankerGradients other)
    {
        for (var i = 0; i < Dense.Length; i++)
        {
            TensorPrimitives.Add(Dense[i], other.Dense[i], Dense[i]);
        }

        for (var f = 0; f < Sparse.Length; f++)
        {
            Sparse[f].AddFrom(other.Sparse[f]);
        }
    }
}
