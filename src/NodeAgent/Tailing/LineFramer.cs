using System.Buffers;

namespace NodeAgent.Tailing;

/// <summary>
/// Cuts a pipe's buffer into physical lines ('\n'-terminated) with a hard cap per line, following Kestrel's framing
/// contract (house rule 5): <c>false</c> means "need more data" and consumes nothing, and the buffer is searched across
/// all its segments, never only <see cref="ReadOnlySequence{T}.FirstSpan"/>. Allocation-free: lines are slices of the
/// buffer, valid until the caller advances the pipe reader.
/// </summary>
internal static class LineFramer
{
    /// <summary>
    /// Takes the next line off the front of <paramref name="buffer"/>.
    /// <list type="bullet">
    /// <item>A '\n' within the first <paramref name="maxLineBytes"/> + 1 bytes: <paramref name="line"/> is the bytes
    /// before it (at most <paramref name="maxLineBytes"/>), <paramref name="split"/> is false, and
    /// <paramref name="buffer"/> moves past the '\n'.</item>
    /// <item>No '\n' there but more than <paramref name="maxLineBytes"/> bytes buffered: <paramref name="line"/> is
    /// exactly the first <paramref name="maxLineBytes"/> bytes and <paramref name="split"/> is true; the rest of that
    /// physical line comes as the next line(s), the last of them with <paramref name="split"/> false. A long line
    /// never stalls a file, and no memory beyond the cap is needed to get past it. The continuation is never empty:
    /// a line of exactly the cap has its '\n' at index cap and is not split.</item>
    /// <item>Otherwise (an incomplete line that may still fit the cap): false, and <paramref name="buffer"/> is left
    /// untouched.</item>
    /// </list>
    /// A '\r' before the '\n' is part of the line: whether it belongs to the message is the format's business.
    /// </summary>
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, int maxLineBytes, out ReadOnlySequence<byte> line, out bool split)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineBytes);

        // Only the first cap + 1 bytes can hold the '\n' of a line that fits; searching further would make a huge
        // buffered line cost O(buffer) per call.
        var window = buffer.Length > maxLineBytes ? buffer.Slice(0, maxLineBytes + 1L) : buffer;
        var newline = window.PositionOf((byte)'\n');
        if (newline is { } end)
        {
            line = buffer.Slice(0, end);
            buffer = buffer.Slice(buffer.GetPosition(1, end));
            split = false;
            return true;
        }

        if (buffer.Length > maxLineBytes)
        {
            line = buffer.Slice(0, maxLineBytes);
            buffer = buffer.Slice(line.End);
            split = true;
            return true;
        }

        line = default;
        split = false;
        return false;
    }
}
