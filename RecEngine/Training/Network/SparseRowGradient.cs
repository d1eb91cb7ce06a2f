using System.Numerics.Tensors;

using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// Gradient of an embedding table kept only for the rows a mini-batch touched, in first-touch order so that
/// sums over examples and workers happen in a fixed order (determinism for a seed).
/// </summary>
internal sealed class SparseRowGradient
{
    private readonly Dictionary<int, int> _slotOfRow = [];
    private readonly List<int> _rows = [];
    private float[] _values;

    public SparseRowGradient(int width, int initialRows = 64)
    {
        Width = width;
        _values = new float[width * Math.Max(initialRows, 1)];
    }

    public int Width { get; }
    public int Count => _rows.Count;

    public int RowAt(int slot) => _rows[slot];

    public ReadOnlySpan<float> GradientAt(int slot) => _values.AsSpan(slot * Width, Width);

    public void Add(int row, ReadOnlySpan<float> gradient)
    {
        if (!_slotOfRow.TryGetValue(row, out var slot))
        {
            slot = _rows.Count;
            _slotOfRow.Add(row, slot);
            _rows.Add(row);
            if ((slot + 1) * Width > _values.Length)
            {
                Array.Resize(ref _values, _values.Length * 2);
            }

            _values.AsSpan(slot * Width, Width).Clear();
        }

        var target = _values.AsSpan(slot * Width, Width);
        TensorPrimitives.Add(target, gradient, target);
    }

    /// <summary>Adds every row of <paramref name="other"/> into this one, in its slot order.</summary>
    public void AddFrom(SparseRowGradient other)
    {
        for (var slot = 0; slot < other.Count; slot++)
        {
            Add(other.RowAt(slot), other.GradientAt(slot));
        }
    }

    public void Clear()
    {
        _slotOfRow.Clear();
        _rows.Clear();
    }
}
