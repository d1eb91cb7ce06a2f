using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// Register-blocked SIMD loops for <see cref="DenseLayer"/>: four rows or four outputs share each vector
/// load, so the inner loop does four multiply-adds per load of the shared operand instead of one.
/// </summary>
internal static class DenseKernels
{
    /// <summary>y[k] = dot(w, x_k) for four equally long x_k.</summary>
    public static void Dot4(ReadOnlySpan<float> w, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, ReadOnlySpan<float> x3, Span<float> y)
    {
        var n = w.Length;
        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var r0 = ref MemoryMarshal.GetReference(x0);
        ref var r1 = ref MemoryMarshal.GetReference(x1);
        ref var r2 = ref MemoryMarshal.GetReference(x2);
        ref var r3 = ref MemoryMarshal.GetReference(x3);
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var i = 0;
        for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
        {
            var wv = Vector.LoadUnsafe(ref rw, (nuint)i);
            a0 = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref r0, (nuint)i), a0);
            a1 = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref r1, (nuint)i), a1);
            a2 = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref r2, (nuint)i), a2);
            a3 = Vector.FusedMultiplyAdd(wv, Vector.LoadUnsafe(ref r3, (nuint)i), a3);
        }

        float s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
        for (; i < n; i++)
        {
            var wi = Unsafe.Add(ref rw, i);
            s0 += wi * Unsafe.Add(ref r0, i);
            s1 += wi * Unsafe.Add(ref r1, i);
            s2 += wi * Unsafe.Add(ref r2, i);
            s3 += wi * Unsafe.Add(ref r3, i);
        }

        y[0] = s0;
        y[1] = s1;
        y[2] = s2;
        y[3] = s3;
    }

    /// <summary>target += g0 v0 + g1 v1 + g2 v2 + g3 v3, with one load and store of target per vector.</summary>
    public static void MultiplyAdd4(
        Span<float> target, float g0, ReadOnlySpan<float> v0, float g1, ReadOnlySpan<float> v1, float g2, ReadOnlySpan<float> v2,
        float g3, ReadOnlySpan<float> v3)
    {
        var n = target.Length;
        ref var rt = ref MemoryMarshal.GetReference(target);
        ref var r0 = ref MemoryMarshal.GetReference(v0);
        ref var r1 = ref MemoryMarshal.GetReference(v1);
        ref var r2 = ref MemoryMarshal.GetReference(v2);
        ref var r3 = ref MemoryMarshal.GetReference(v3);
        Vector<float> c0 = new(g0), c1 = new(g1), c2 = new(g2), c3 = new(g3);
        var i = 0;
        for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
        {
            var t = Vector.LoadUnsafe(ref rt, (nuint)i);
            t = Vector.FusedMultiplyAdd(c0, Vector.LoadUnsafe(ref r0, (nuint)i), t);
            t = Vector.FusedMultiplyAdd(c1, Vector.LoadUnsafe(ref r1, (nuint)i), t);
            t = Vector.FusedMultiplyAdd(c2, Vector.LoadUnsafe(ref r2, (nuint)i), t);
            t = Vector.FusedMultiplyAdd(c3, Vector.LoadUnsafe(ref r3, (nuint)i), t);
            t.StoreUnsafe(ref rt, (nuint)i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rt, i) += g0 * Unsafe.Add(ref r0, i) + g1 * Unsafe.Add(ref r1, i) + g2 * Unsafe.Add(ref r2, i) + g3 * Unsafe.Add(ref r3, i);
        }
    }
}
