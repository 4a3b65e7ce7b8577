using Microsoft.Win32.SafeHandles;

namespace NodeAgent.Journal;

/// <summary>
/// Reads a journal file by offset through one read-ahead window, with pread (<see cref="RandomAccess"/>), never a
/// memory map: a file truncated under a map kills the process with SIGBUS, a pread just returns fewer bytes. The
/// window only serves bytes that do not change once written (ENTRY and DATA objects); it is dropped whenever the
/// reader learns the file grew, since a window read near the end may hold zeros journald has written over since.
/// </summary>
internal sealed class JournalFileBytes : IDisposable
{
    /// <summary>Entries and the DATA objects written just before each lie close together: one 64 KiB read serves
    /// dozens of entries.</summary>
    private const int WindowSize = 64 * 1024;

    private readonly SafeFileHandle _handle;
    private readonly byte[] _window = new byte[WindowSize];
    private long _windowStart;
    private int _windowLength;

    public JournalFileBytes(SafeFileHandle handle)
    {
        _handle = handle;
        Length = RandomAccess.GetLength(handle);
    }

    /// <summary>The file's length when last asked (<see cref="Refresh"/>).</summary>
    public long Length { get; private set; }

    /// <summary>Learns the file's current length and forgets the window.</summary>
    public void Refresh()
    {
        Length = RandomAccess.GetLength(_handle);
        Invalidate();
    }

    public void Invalidate() => _windowLength = 0;

    /// <summary>
    /// <paramref name="count"/> bytes at <paramref name="offset"/> (at most <see cref="WindowSize"/>) from the window,
    /// or fewer when the file ends before; valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Window(long offset, int count)
    {
        if (offset >= _windowStart && offset + count <= _windowStart + _windowLength)
        {
            return _window.AsSpan((int)(offset - _windowStart), count);
        }

        // Start a little before the asked offset, page-aligned: an entry's own DATA objects are written just before it.
        var start = Math.Max(0, (offset - 4096) & ~4095L);
        if (offset + count > start + WindowSize)
        {
            start = offset;
        }

        _windowStart = start;
        _windowLength = ReadFully(start, _window);
        var available = (int)Math.Clamp(_windowStart + _windowLength - offset, 0, count);
        return _window.AsSpan((int)(offset - _windowStart), available);
    }

    /// <summary>Reads straight from the file into <paramref name="buffer"/>, bypassing the window (for bytes that
    /// change: array items and links, and for payloads larger than the window); returns how many bytes there were.</summary>
    public int ReadFully(long offset, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(_handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public void Dispose() => _handle.Dispose();
}
