namespace RecEngine.Retrieval;

/// <summary>
/// Compressed sparse rows of confidences (by user, or transposed by item). Repeated (user, item) pairs are
/// merged into one with c = 1 + sum (c_k - 1), i.e. their strengths add.
/// </summary>
internal sealed class SparseRows
{
    private readonly int[] _offsets;
    private readonly int[] _columns;
    private readonly float[] _confidences;

    private SparseRows(int[] offsets, int[] columns, float[] confidences)
    {
        _offsets = offsets;
        _columns = columns;
        _confidences = confidences;
    }

    public int Count => _offsets.Length - 1;

    public ReadOnlySpan<int> Columns(int row) => _columns.AsSpan(_offsets[row], _offsets[row + 1] - _offsets[row]);

    public ReadOnlySpan<float> Confidences(int row) => _confidences.AsSpan(_offsets[row], _offsets[row + 1] - _offsets[row]);

    public static SparseRows FromInteractions(IReadOnlyList<Interaction> interactions, int userCount, int itemCount, bool transpose)
    {
        var rowCount = transpose ? itemCount : userCount;
        var entries = new (int Row, int Column, float Confidence)[interactions.Count];
        for (var n = 0; n < interactions.Count; n++)
        {
            var x = interactions[n];
            if ((uint)x.User >= (uint)userCount || (uint)x.Item >= (uint)itemCount)
            {
                throw new ArgumentOutOfRangeException(nameof(interactions), $"Interaction ({x.User}, {x.Item}) is outside {userCount} users x {itemCount} items.");
            }

            entries[n] = transpose ? (x.Item, x.User, x.Confidence) : (x.User, x.Item, x.Confidence);
        }

        Array.Sort(entries, static (a, b) => a.Row != b.Row ? a.Row.CompareTo(b.Row) : a.Column.CompareTo(b.Column));
        var offsets = new int[rowCount + 1];
        var columns = new List<int>(entries.Length);
        var confidences = new List<float>(entries.Length);
        var previous = (Row: -1, Column: -1);
        foreach (var (row, column, confidence) in entries)
        {
            if (row == previous.Row && column == previous.Column)
            {
                confidences[^1] += confidence - 1f;
                continue;
            }

            columns.Add(column);
            confidences.Add(confidence);
            offsets[row + 1]++;
            previous = (row, column);
        }

        for (var r = 0; r < rowCount; r++)
        {
            offsets[r + 1] += offsets[r];
        }

        return new SparseRows(offsets, columns.ToArray(), confidences.ToArray());
    }
}
