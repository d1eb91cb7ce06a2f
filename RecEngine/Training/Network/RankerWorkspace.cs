using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// Activations and their gradients for up to <see cref="Capacity"/> rows of one <see cref="RankerNetwork"/>.
/// One per worker: workers never share buffers, so a mini-batch can be split across threads.
/// </summary>
internal sealed class RankerWorkspace
{
    public RankerWorkspace(RankerNetwork network, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        var d0 = network.InputWidth;
        X0 = new float[capacity * d0];
        InputGradient = new float[capacity * d0];
        CrossInner = [.. network.Crosses.Select(_ => new float[capacity * d0])];
        CrossOutput = [.. network.Crosses.Select(_ => new float[capacity * d0])];
        CrossGradient = new float[capacity * d0];
        CrossGradientNext = new float[capacity * d0];
        CrossGradientBottom = new float[capacity * d0];
        CrossScratch = new float[capacity * d0];
        HiddenOutput = [.. network.Hidden.Select(h => new float[capacity * h.Outputs])];
        HiddenGradient = [.. network.Hidden.Select(h => new float[capacity * h.Outputs])];
        Logits = new float[capacity * RankerNetwork.Heads];
        LogitGradient = new float[capacity * RankerNetwork.Heads];
    }

    public int Capacity { get; }
    public float[] X0 { get; }
    public float[] InputGradient { get; }
    public float[][] CrossInner { get; }
    public float[][] CrossOutput { get; }
    public float[] CrossGradient { get; }
    public float[] CrossGradientNext { get; }
    public float[] CrossGradientBottom { get; }
    public float[] CrossScratch { get; }
    public float[][] HiddenOutput { get; }
    public float[][] HiddenGradient { get; }

    /// <summary>[rows, 2]: the P(watch) logit, then the watch-time logit.</summary>
    public float[] Logits { get; }

    /// <summary>dL/dz for <see cref="Logits"/>, filled by the loss before the backward pass.</summary>
    public float[] LogitGradient { get; }

    internal void EnsureCapacity(int rows)
    {
        if (rows > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"The workspace holds at most {Capacity} rows.");
        }
    }
}
