using System.Buffers;
using System.IO.Pipelines;
using NodeAgent.Tailing;

namespace NodeAgent.Tests.Tailing;

/// <summary>
/// Feeds bytes through a real <see cref="Pipe"/> in chosen chunks, framing after every flush the way FileTail does
/// (Kestrel's loop: frame what is complete, AdvanceTo(consumed, examined: end)), and reports every framed line with
/// its file offsets.
/// </summary>
internal static class PipeFeeder
{
    public delegate void LineHandler(ReadOnlySequence<byte> line, long start, long end, bool split);

    /// <summary>Writes <paramref name="data"/> cut at <paramref name="cuts"/> (ascending offsets); returns the number
    /// of bytes left unframed at the end (an unterminated last line).</summary>
    public static async Task<long> Feed(byte[] data, IEnumerable<int> cuts, int maxLineBytes, LineHandler onLine, MemoryPool<byte>? pool = null, Action<long>? onBuffered = null)
    {
        var pipe = new Pipe(new PipeOptions(pool: pool, minimumSegmentSize: pool is null ? -1 : 1, pauseWriterThreshold: 0, useSynchronizationContext: false));
        long offset = 0;
        var previous = 0;
        foreach (var cut in cuts.Append(data.Length))
        {
            Write(pipe.Writer, data.AsSpan(previous, cut - previous), pool is not null);
            previous = cut;
            await pipe.Writer.FlushAsync();
            offset = Frame(pipe.Reader, maxLineBytes, offset, onLine, onBuffered);
        }

        await pipe.Writer.CompleteAsync();
        var left = 0L;
        if (pipe.Reader.TryRead(out var final))
        {
            left = final.Buffer.Length;
            pipe.Reader.AdvanceTo(final.Buffer.End);
        }

        await pipe.Reader.CompleteAsync();
        return left;
    }

    /// <summary>Every line of <paramref name="data"/> with its split flag, fed in the given chunks.</summary>
    public static async Task<List<(string Line, bool Split)>> Lines(byte[] data, IEnumerable<int> cuts, int maxLineBytes, MemoryPool<byte>? pool = null)
    {
        var lines = new List<(string, bool)>();
        await Feed(data, cuts, maxLineBytes, (line, _, _, split) => lines.Add((Convert.ToHexString(line.ToArray()), split)), pool);
        return lines;
    }

    private static void Write(PipeWriter writer, ReadOnlySpan<byte> bytes, bool byteByByte)
    {
        if (!byteByByte)
        {
            writer.Write(bytes);
            return;
        }

        // With OneBytePool every byte lands in a segment of its own.
        foreach (var b in bytes)
        {
            writer.GetSpan(1)[0] = b;
            writer.Advance(1);
        }
    }

    private static long Frame(PipeReader reader, int maxLineBytes, long offset, LineHandler onLine, Action<long>? onBuffered)
    {
        if (!reader.TryRead(out var result))
        {
            return offset;
        }

        var buffer = result.Buffer;
        onBuffered?.Invoke(buffer.Length);
        var consumed = buffer.Start;
        try
        {
            while (LineFramer.TryReadLine(ref buffer, maxLineBytes, out var line, out var split))
            {
                var end = offset + line.Length + (split ? 0 : 1);
                onLine(line, offset, end, split);
                offset = end;
                consumed = buffer.Start;
            }
        }
        finally
        {
            reader.AdvanceTo(consumed, buffer.End);
        }

        return offset;
    }
}

/// <summary>A pool of one-byte blocks: a pipe built on it holds every byte in a segment of its own.</summary>
internal sealed class OneBytePool : MemoryPool<byte>
{
    public override int MaxBufferSize => 1;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => new Block();

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = new byte[1];

        public void Dispose()
        {
        }
    }
}
