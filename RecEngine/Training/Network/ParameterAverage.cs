namespace RecEngine.Training.Network;

/// <summary>
/// The mean of a network's parameters over checkpoints taken along one training run (stochastic weight averaging:
/// Izmailov et al., "Averaging Weights Leads to Wider Optima and Better Generalization", UAI 2018). The averaged
/// network is one network: serving pays nothing for it.
/// </summary>
internal sealed class ParameterAverage
{
    private readonly float[][] _parameters;
    private readonly float[][] _sums;
    private int _count;

    public ParameterAverage(RankerNetwork network)
    {
        _parameters = [.. network.DenseParameters, .. network.Tables.Select(t => t.Values)];
        _sums = [.. _parameters.Select(p => new float[p.Length])];
    }

    public int Count => _count;

    /// <summary>Adds the parameters as they are now.</summary>
    public void Add()
    {
        for (var i = 0; i < _parameters.Length; i++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(_sums[i], _parameters[i], _sums[i]);
        }

        _count++;
    }

    /// <summary>Writes the mean of the checkpoints into the network (nothing when none was taken).</summary>
    public void Apply()
    {
        if (_count == 0)
        {
            return;
        }

        for (var i = 0; i < _parameters.Length; i++)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(_sums[i], 1f / _count, _parameters[i]);
        }
    }
}
