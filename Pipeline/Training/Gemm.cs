using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TextGameGen.Pipeline.Training;

/// <summary>
/// The trainer's matrix multiplies, accumulating into row-major C, in the three layouts training needs:
/// <see cref="NN"/> C += A.B, <see cref="NT"/> C += A.B^T, <see cref="TN"/> C += A^T.B. Each works on register
/// blocks (4 rows by 32 columns for NN and TN, 4 by 4 dot products for NT) so every value loaded from memory is used
/// several times, with fused multiply-adds on 512-bit vectors (AVX-512; emulated on narrower hardware); blocks are spread over the cores.
/// </summary>
internal static class Gemm
{
    private const int Rows = 4, Cols = 32, W = 16;

    /// <summary>C[m,n] += A[m,k] . B[k,n].</summary>
    public static void NN(float[] c, float[] a, float[] b, int m, int n, int k)
    {
        int panels = (n + Cols - 1) / Cols;
        Parallel.For(0, panels, p =>
        {
            int j = p * Cols;
            if (j + Cols <= n)
            {
                int i = 0;
                for (; i + Rows <= m; i += Rows) BlockNN(c, a, b, i, j, n, k, aRowStride: k, aColStride: 1);
                for (; i < m; i++) RowNN(c, a, b, i, j, n, k, k, 1);
            }
            else
            {
                for (int i = 0; i < m; i++)
                    for (int jj = j; jj < n; jj++)
                    {
                        float s = 0;
                        for (int kk = 0; kk < k; kk++) s += a[i * k + kk] * b[kk * n + jj];
                        c[i * n + jj] += s;
                    }
            }
        });
    }

    /// <summary>C[m,n] += A[k,m]^T . B[k,n].</summary>
    public static void TN(float[] c, float[] a, float[] b, int m, int n, int k)
    {
        int blocks = (m + Rows - 1) / Rows;
        Parallel.For(0, blocks, blk =>
        {
            int i = blk * Rows;
            int j = 0;
            if (i + Rows <= m)
            {
                for (; j + Cols <= n; j += Cols) BlockNN(c, a, b, i, j, n, k, aRowStride: 1, aColStride: m);
            }
            else
            {
                for (int ii = i; ii < m; ii++)
                    for (int jj = 0; jj + Cols <= n; jj += Cols) RowNN(c, a, b, ii, jj, n, k, 1, m);
                j = n - n % Cols;
            }
            for (int ii = i; ii < Math.Min(m, i + Rows); ii++)
                for (int jj = j; jj < n; jj++)
                {
                    float s = 0;
                    for (int kk = 0; kk < k; kk++) s += a[kk * m + ii] * b[kk * n + jj];
                    c[ii * n + jj] += s;
                }
        });
    }

    /// <summary>C[m,n] += A[m,k] . B[n,k]^T (both operands contiguous along k).</summary>
    public static void NT(float[] c, float[] a, float[] b, int m, int n, int k)
    {
        const int Block = 64;
        int panels = (n + Block - 1) / Block;
        Parallel.For(0, panels, p =>
        {
            int j0 = p * Block, j1 = Math.Min(n, j0 + Block);
            int i = 0;
            for (; i + 4 <= m; i += 4)
            {
                int j = j0;
                for (; j + 4 <= j1; j += 4) BlockNT(c, a, b, i, j, n, k);
                for (; j < j1; j++)
                    for (int r = 0; r < 4; r++) c[(i + r) * n + j] += Dot(a, (i + r) * k, b, j * k, k);
            }
            for (; i < m; i++)
                for (int j = j0; j < j1; j++) c[i * n + j] += Dot(a, i * k, b, j * k, k);
        });
    }

    /// <summary>4 rows x 16 columns of C += A.B, where A[row, kk] is a[row * aRowStride + kk * aColStride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlockNN(float[] c, float[] a, float[] b, int i, int j, int n, int k, int aRowStride, int aColStride)
    {
        ref float A = ref a[0];
        ref float B = ref b[0];
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        int a0 = i * aRowStride, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride;
        for (int kk = 0; kk < k; kk++)
        {
            int bo = kk * n + j;
            var b0 = Vector512.LoadUnsafe(ref B, (nuint)bo);
            var b1 = Vector512.LoadUnsafe(ref B, (nuint)(bo + W));
            int ak = kk * aColStride;
            var x = Vector512.Create(Unsafe.Add(ref A, a0 + ak));
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref A, a1 + ak));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref A, a2 + ak));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref A, a3 + ak));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
        }
        Add(c, i * n + j, c00, c01);
        Add(c, (i + 1) * n + j, c10, c11);
        Add(c, (i + 2) * n + j, c20, c21);
        Add(c, (i + 3) * n + j, c30, c31);
    }

    private static void RowNN(float[] c, float[] a, float[] b, int i, int j, int n, int k, int aRowStride, int aColStride)
    {
        Vector512<float> c0 = default, c1 = default;
        for (int kk = 0; kk < k; kk++)
        {
            var x = Vector512.Create(a[i * aRowStride + kk * aColStride]);
            c0 = Vector512.FusedMultiplyAdd(x, Vector512.Create(b, kk * n + j), c0);
            c1 = Vector512.FusedMultiplyAdd(x, Vector512.Create(b, kk * n + j + W), c1);
        }
        Add(c, i * n + j, c0, c1);
    }

    private static void Add(float[] c, int offset, Vector512<float> lo, Vector512<float> hi)
    {
        (Vector512.Create(c, offset) + lo).CopyTo(c, offset);
        (Vector512.Create(c, offset + W) + hi).CopyTo(c, offset + W);
    }

    /// <summary>4 x 4 dot products: C[i+r, j+s] += A[i+r, :] . B[j+s, :].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlockNT(float[] c, float[] a, float[] b, int i, int j, int n, int k)
    {
        ref float A = ref a[0];
        ref float B = ref b[0];
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
        int ar = i * k, br = j * k;
        int kk = 0;
        for (; kk + W <= k; kk += W)
        {
            var b0 = Vector512.LoadUnsafe(ref B, (nuint)(br + kk));
            var b1 = Vector512.LoadUnsafe(ref B, (nuint)(br + k + kk));
            var b2 = Vector512.LoadUnsafe(ref B, (nuint)(br + 2 * k + kk));
            var b3 = Vector512.LoadUnsafe(ref B, (nuint)(br + 3 * k + kk));
            var x = Vector512.LoadUnsafe(ref A, (nuint)(ar + kk));
            s00 = Vector512.FusedMultiplyAdd(x, b0, s00); s01 = Vector512.FusedMultiplyAdd(x, b1, s01); s02 = Vector512.FusedMultiplyAdd(x, b2, s02); s03 = Vector512.FusedMultiplyAdd(x, b3, s03);
            x = Vector512.LoadUnsafe(ref A, (nuint)(ar + k + kk));
            s10 = Vector512.FusedMultiplyAdd(x, b0, s10); s11 = Vector512.FusedMultiplyAdd(x, b1, s11); s12 = Vector512.FusedMultiplyAdd(x, b2, s12); s13 = Vector512.FusedMultiplyAdd(x, b3, s13);
            x = Vector512.LoadUnsafe(ref A, (nuint)(ar + 2 * k + kk));
            s20 = Vector512.FusedMultiplyAdd(x, b0, s20); s21 = Vector512.FusedMultiplyAdd(x, b1, s21); s22 = Vector512.FusedMultiplyAdd(x, b2, s22); s23 = Vector512.FusedMultiplyAdd(x, b3, s23);
            x = Vector512.LoadUnsafe(ref A, (nuint)(ar + 3 * k + kk));
            s30 = Vector512.FusedMultiplyAdd(x, b0, s30); s31 = Vector512.FusedMultiplyAdd(x, b1, s31); s32 = Vector512.FusedMultiplyAdd(x, b2, s32); s33 = Vector512.FusedMultiplyAdd(x, b3, s33);
        }
        void Finish(int r, int col, Vector512<float> v)
        {
            float sum = Vector512.Sum(v);
            for (int t = kk; t < k; t++) sum += a[(i + r) * k + t] * b[(j + col) * k + t];
            c[(i + r) * n + j + col] += sum;
        }
        Finish(0, 0, s00); Finish(0, 1, s01); Finish(0, 2, s02); Finish(0, 3, s03);
        Finish(1, 0, s10); Finish(1, 1, s11); Finish(1, 2, s12); Finish(1, 3, s13);
        Finish(2, 0, s20); Finish(2, 1, s21); Finish(2, 2, s22); Finish(2, 3, s23);
        Finish(3, 0, s30); Finish(3, 1, s31); Finish(3, 2, s32); Finish(3, 3, s33);
    }

    private static float Dot(float[] a, int ao, float[] b, int bo, int k) =>
        Inference.Numerics.VectorMath.Dot(a.AsSpan(ao, k), b.AsSpan(bo, k));
}
