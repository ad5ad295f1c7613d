using System.Buffers;
using System.Runtime.InteropServices;

namespace TextGameGen.Inference.Runtime;

/// <summary>
/// Floats in native memory, freed when disposed (by its owner: there is no finalizer, which could free the memory while
/// a span over it is still in use). For large buffers that come and go often and would otherwise be large objects the
/// collector counts towards full collections of the heap.
/// </summary>
public sealed unsafe class NativeFloats : MemoryManager<float>
{
    private float* _pointer;

    public NativeFloats(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        _pointer = (float*)NativeMemory.Alloc((nuint)length, sizeof(float));
        Length = length;
    }

    public int Length { get; }

    public override Span<float> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        return new Span<float>(_pointer, Length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)Length, nameof(elementIndex));
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_pointer == null) return;
        NativeMemory.Free(_pointer);
        _pointer = null;
    }
}
