using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using NodeAgent.Tailing;

namespace NodeAgent.Tests.Tailing;

/// <summary>
/// The framer that remembers how far it searched an incomplete line: the same lines as the one that does not, and
/// work linear in a line's length however many reads bring it.
/// </summary>
public sealed class LineFramerResumeTests
{
    /// <summary>Feeds <paramref name="data"/> through a pipe in the given chunks, framing after every flush as FileTail
    /// does, remembering what was searched between calls; every line as hex with its split flag.</summary>
    private static List<(string Line, bool Split)> Frame(byte[] data, IEnumerable<int> cuts, int maxLineBytes, MemoryPool<byte>? pool = null)
    {
        var lines = new List<(string, bool)>();
        FeedResuming(data, cuts, maxLineBytes, (line, split) => lines.Add((Convert.ToHexString(line.ToArray()), split)), pool);
        return lines;
    }

    private static void FeedResuming(byte[] data, IEnumerable<int> cuts, int maxLineBytes, Action<ReadOnlySequence<byte>, bool>? onLine = null, MemoryPool<byte>? pool = null)
    {
        var pipe = new Pipe(new PipeOptions(pool: pool, minimumSegmentSize: pool is null ? 4096 : 1, pauseWriterThreshold: 0, useSynchronizationContext: false));
        var search = default(LineSearch);
        var previous = 0;
        foreach (var cut in cuts.Append(data.Length))
        {
            var chunk = data.AsSpan(previous, cut - previous);
            previous = cut;
            if (pool is null)
            {
                pipe.Writer.Write(chunk);
            }
            else
            {
                foreach (var b in chunk)
                {
                    pipe.Writer.GetSpan(1)[0] = b;
                    pipe.Writer.Advance(1);
                }
            }

            // With no pause threshold the flush completes at once, as in FileTail.
            pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            if (!pipe.Reader.TryRead(out var result))
            {
                continue; // nothing buffered (an empty read)
            }

            var buffer = result.Buffer;
            var consumed = buffer.Start;
            try
            {
                while (LineFramer.TryReadLine(ref buffer, maxLineBytes, ref search, out var line, out var split))
                {
                    onLine?.Invoke(line, split);
                    consumed = buffer.Start;
                }
            }
            finally
            {
                pipe.Reader.AdvanceTo(consumed, buffer.End);
            }
        }

        pipe.Writer.Complete();
        pipe.Reader.Complete();
    }

    [Fact]
    public async Task Random_data_in_random_reads_frames_as_the_framer_that_searches_from_the_start()
    {
        var random = new Random(20261128);
        int[] caps = [1, 2, 3, 7, 64, 1000, 1 << 20];
        for (var round = 0; round < 400; round++)
        {
            // Lines of all lengths: short ones, and runs without a newline longer than small caps.
            var data = new byte[random.Next(0, 3000)];
            var newlineEvery = random.Next(2, 600);
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = random.Next(newlineEvery) == 0 ? (byte)'\n' : (byte)random.Next('a', 'z' + 1);
            }

            var cuts = Enumerable.Range(0, random.Next(0, 60)).Select(_ => random.Next(0, data.Length + 1)).Order().ToArray();
            var cap = caps[random.Next(caps.Length)];
            var pool = random.Next(4) == 0 ? new OneBytePool() : null;
            var expected = await PipeFeeder.Lines(data, cuts, cap, pool);
            Assert.Equal(expected, Frame(data, cuts, cap, pool));
        }
    }

    [Fact]
    public void A_long_line_read_byte_by_byte_is_cut_at_the_cap_and_then_ends()
    {
        // 10 bytes with a cap of 4: searched grows past the window while the line is incomplete.
        var data = "abcdefghij\nk\n"u8.ToArray();
        var lines = Frame(data, Enumerable.Range(1, data.Length - 1), 4);
        Assert.Equal(
            [("61626364", true), ("65666768", true), ("696A", false), ("6B", false)],
            lines);
    }

    [Fact]
    public void A_search_state_that_does_not_fit_the_buffer_is_not_trusted()
    {
        // A count below zero or beyond the buffer, or a position from another buffer: the search starts again (at
        // its start, or at the count when that fits). A count within the buffer is the caller's word.
        var bytes = "ab\ncd"u8.ToArray();
        var other = new ReadOnlySequence<byte>(new byte[10]);
        LineSearch[] states = [new(-5, default), new(1000, default), new(2, other.GetPosition(2))];
        foreach (var state in states)
        {
            var buffer = new ReadOnlySequence<byte>(bytes);
            var search = state;
            Assert.True(LineFramer.TryReadLine(ref buffer, 100, ref search, out var line, out _));
            Assert.Equal("ab"u8.ToArray(), line.ToArray());
            Assert.False(LineFramer.TryReadLine(ref buffer, 100, ref search, out _, out _));
        }
    }

    [Fact]
    public void A_position_from_a_segment_that_was_reused_is_not_trusted()
    {
        // Two segments, searched to the end; then the second segment is reused with another running index, as a
        // pipe's pool does with a consumed segment: the position no longer means the same offset.
        var first = new Segment("abc"u8.ToArray(), 0);
        var second = first.Append("def"u8.ToArray());
        var buffer = new ReadOnlySequence<byte>(first, 0, second, 3);
        var search = default(LineSearch);
        Assert.False(LineFramer.TryReadLine(ref buffer, 100, ref search, out _, out _));

        var third = second.Append("g\nh"u8.ToArray());
        second.Move(1000);
        buffer = new ReadOnlySequence<byte>(first, 0, third, 3);
        Assert.True(LineFramer.TryReadLine(ref buffer, 100, ref search, out var line, out _));
        Assert.Equal("abcdefg"u8.ToArray(), line.ToArray());
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }

        public void Move(long runningIndex) => RunningIndex = runningIndex;
    }

    [Fact]
    public void A_line_trickled_in_small_reads_costs_work_linear_in_its_length()
    {
        // A writer that trickles a long line makes the reader frame after every few bytes: searching the whole
        // incomplete line each time made a line 8 times longer cost 64 times more (1 MiB in 100-byte reads: 0.4 s).
        // The bound is three times the linear ratio, so a loaded machine does not fail it and a quadratic framer
        // cannot pass it.
        static byte[] Line(int length)
        {
            var data = new byte[length];
            Array.Fill(data, (byte)'x');
            data[^1] = (byte)'\n';
            return data;
        }

        static int[] Reads(int length) => [.. Enumerable.Range(1, (length - 1) / 100).Select(i => i * 100)];

        byte[] small = Line(128 * 1024), large = Line(1024 * 1024);
        int[] smallReads = Reads(small.Length), largeReads = Reads(large.Length);
        double fastestSmall = double.MaxValue, fastestLarge = double.MaxValue;
        for (var run = 0; run < 5; run++)
        {
            var started = Stopwatch.GetTimestamp();
            FeedResuming(small, smallReads, 1 << 20);
            fastestSmall = Math.Min(fastestSmall, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            FeedResuming(large, largeReads, 1 << 20);
            fastestLarge = Math.Min(fastestLarge, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var ratio = fastestLarge / fastestSmall;
        Assert.True(ratio < 3 * 8, $"a line 8 times longer took {ratio:F1} times as long ({fastestLarge:F1} ms, {fastestSmall:F1} ms)");
    }
}
