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
        var search = default(LineSearch);
        return TryReadLine(ref buffer, maxLineBytes, ref search, out line, out split);
    }

    /// <summary>
    /// <see cref="TryReadLine(ref ReadOnlySequence{byte}, int, out ReadOnlySequence{byte}, out bool)"/> that remembers,
    /// in <paramref name="search"/>, how much of an incomplete line it has already looked through, so that the next
    /// call with more bytes looks only at the new ones. Without it a line that arrives in many reads (a writer that
    /// trickles a long line, or a line many read chunks long) is searched again from its start after every read:
    /// work that grows with the square of its length.
    /// </summary>
    /// <param name="search">Start with <c>default</c> and pass the same variable to every call on one pipe, consuming
    /// up to the start of <paramref name="buffer"/> as it is left (Kestrel's loop: <c>AdvanceTo(consumed, examined:
    /// end)</c>). The framer resets it when it returns a line; <c>default</c> is always safe.</param>
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, int maxLineBytes, ref LineSearch search, out ReadOnlySequence<byte> line, out bool split)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineBytes);

        // Only the first cap + 1 bytes can hold the '\n' of a line that fits; searching further would make a huge
        // buffered line cost O(buffer) per call.
        var windowEnd = Math.Min(buffer.Length, maxLineBytes + 1L);
        var from = search.ResumeIn(buffer, out var resume);
        if (from < windowEnd && buffer.Slice(resume, windowEnd - from).PositionOf((byte)'\n') is { } end)
        {
            line = buffer.Slice(0, end);
            buffer = buffer.Slice(buffer.GetPosition(1, end));
            search = default;
            split = false;
            return true;
        }

        if (buffer.Length > maxLineBytes)
        {
            line = buffer.Slice(0, maxLineBytes);
            buffer = buffer.Slice(line.End);
            search = default;
            split = true;
            return true;
        }

        search = new LineSearch(buffer.Length, buffer.End);
        line = default;
        split = false;
        return false;
    }
}

/// <summary>
/// How far <see cref="LineFramer"/> has searched an incomplete line for its '\n': the length of the bytes at the front
/// of the buffer known to hold none, and where they end. Kept by the reader between reads of one pipe.
/// </summary>
internal readonly struct LineSearch
{
    private readonly long _searched;
    private readonly SequencePosition _end;
    private readonly long _endRunningIndex;

    internal LineSearch(long searched, SequencePosition end)
    {
        _searched = searched;
        _end = end;
        _endRunningIndex = end.GetObject() is ReadOnlySequenceSegment<byte> segment ? segment.RunningIndex : -1;
    }

    /// <summary>
    /// How many bytes of <paramref name="buffer"/> need no search, and where the rest starts. The remembered position
    /// is used only when it provably lies that far into this buffer (same segment, unchanged running index, the
    /// offsets agree): jumping to it costs nothing, while seeking by offset walks every segment of the line (4 KiB
    /// each in a pipe), which for a line trickled in tiny reads is again work per read that grows with the line.
    /// Anything else falls back to seeking by offset, and a count beyond the buffer to searching it all.
    /// </summary>
    internal long ResumeIn(ReadOnlySequence<byte> buffer, out SequencePosition resume)
    {
        if (_searched <= 0 || _searched > buffer.Length)
        {
            resume = buffer.Start;
            return 0;
        }

        if (!buffer.IsSingleSegment
            && _end.GetObject() is ReadOnlySequenceSegment<byte> segment && segment.RunningIndex == _endRunningIndex
            && buffer.Start.GetObject() is ReadOnlySequenceSegment<byte> first
            && segment.RunningIndex + _end.GetInteger() - (first.RunningIndex + buffer.Start.GetInteger()) == _searched)
        {
            resume = _end;
            return _searched;
        }

        resume = buffer.GetPosition(_searched);
        return _searched;
    }
}
