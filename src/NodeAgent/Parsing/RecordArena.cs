using System.Buffers;

namespace NodeAgent.Parsing;

/// <summary>
/// Where the bytes of one file's records live (their timestamps and messages): pooled chunks filled one after another,
/// so a record costs no allocation of its own (issue 4: none per line in the steady state). The reader resets it
/// before each turn of reading the file (the reader's turn): records handed out earlier are then no
/// longer valid, which is why an output consumes a batch's bytes before its <c>SendAsync</c> completes (it encodes or
/// writes them; see <see cref="Delivery.ILogOutput"/>). An idle file holds no chunk.
/// </summary>
internal sealed class RecordArena : IDisposable
{
    /// <summary>A turn reads at most a 256 KiB quantum: a few chunks; a longer joined message gets a chunk of its own.</summary>
    private const int ChunkBytes = 64 * 1024;

    private readonly List<byte[]> _filled = [];
    private byte[]? _current;
    private int _used;

    /// <summary>Copies <paramref name="bytes"/> in; the copy stays valid until <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (_current is null || _current.Length - _used < bytes.Length)
        {
            if (_current is not null)
            {
                _filled.Add(_current);
            }

            _current = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkBytes, bytes.Length));
            _used = 0;
        }

        var copy = _current.AsMemory(_used, bytes.Length);
        bytes.CopyTo(copy.Span);
        _used += bytes.Length;
        return copy;
    }

    /// <summary>Gives every chunk back to the pool: every copy made so far is invalid from now on.</summary>
    public void Reset()
    {
        foreach (var chunk in _filled)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        _filled.Clear();
        if (_current is not null)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = null;
        }

        _used = 0;
    }

    public void Dispose() => Reset();
}
