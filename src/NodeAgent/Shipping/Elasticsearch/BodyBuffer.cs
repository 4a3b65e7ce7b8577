using System.Buffers;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>
/// A growable byte buffer for a bulk body that, unlike <see cref="ArrayBufferWriter{T}"/>, can be cut back to an
/// earlier length: a document whose encoding fails halfway is taken out again, so the body never holds half an action
/// (a 400 for the whole request, sent again forever). It starts small (an idle agent's trickle of lines) and, once that
/// is not enough, grows in one step to <paramref name="fullCapacity"/>: doubling towards a cap of a MiB or more leaves
/// each step's array as large-object garbage, the last one up to twice the cap.
/// </summary>
internal sealed class BodyBuffer(int initialCapacity, int fullCapacity) : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[initialCapacity];
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _buffer.Length)
        {
            throw new InvalidOperationException("advanced past the end of the buffer");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_written);

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _written += bytes.Length;
    }

    /// <summary>Forgets everything written after the first <paramref name="length"/> bytes.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _written);
        _written = length;
    }

    private byte[] Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed > _buffer.Length)
        {
            var grown = _buffer.Length < fullCapacity ? fullCapacity : (long)_buffer.Length * 2;
            Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max(needed, grown)));
        }

        return _buffer;
    }
}
