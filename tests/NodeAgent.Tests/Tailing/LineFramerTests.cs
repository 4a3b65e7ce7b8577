using System.Buffers;
using System.Text;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

public sealed class LineFramerTests
{
    private const int OneMiB = 1024 * 1024;

    private static byte[] Fixture(string name) => File.ReadAllBytes(Repository.Fixture("logs", name));

    // The oracle: split on '\n'; what follows the last '\n' is not a line yet.
    private static List<(string, bool)> SplitOnNewline(byte[] data)
    {
        var lines = new List<(string, bool)>();
        var start = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == '\n')
            {
                lines.Add((Convert.ToHexString(data, start, i - start), false));
                start = i + 1;
            }
        }

        return lines;
    }

    [Theory]
    [InlineData("cri-edge-cases.log", 1)] // every prefix
    [InlineData("crio.log", 7)] // lines of 8 KiB and more: a prefix every 7 bytes
    [InlineData("docker.log", 31)]
    public async Task Every_prefix_split_through_a_pipe_frames_the_same_lines(string name, int stride)
    {
        var data = Fixture(name);
        var expected = SplitOnNewline(data);
        Assert.NotEmpty(expected);

        for (var cut = 0; cut <= data.Length; cut += stride)
        {
            var lines = await PipeFeeder.Lines(data, [cut], OneMiB);
            Assert.Equal(expected, lines);
        }
    }

    [Fact]
    public async Task One_byte_segments_read_after_every_byte_frame_the_same_lines()
    {
        var data = Fixture("cri-edge-cases.log");
        var lines = await PipeFeeder.Lines(data, Enumerable.Range(1, data.Length - 1), OneMiB, new OneBytePool());
        Assert.Equal(SplitOnNewline(data), lines);

        // The pool really does put every byte in a segment of its own.
        var segments = new List<int>();
        await PipeFeeder.Feed(data, [], OneMiB, (line, _, _, _) =>
        {
            var count = 0;
            foreach (var memory in line)
            {
                // A slice may end with an empty piece of the next segment.
                Assert.InRange(memory.Length, 0, 1);
                count += memory.Length;
            }

            segments.Add(count);
        }, new OneBytePool());
        Assert.Contains(segments, count => count > 20);
        Assert.Equal(SplitOnNewline(data).Select(l => l.Item1.Length / 2), segments);
    }

    [Theory]
    [InlineData("containerd.log")]
    [InlineData("crio.log")]
    [InlineData("docker.log")]
    public async Task A_whole_file_in_one_byte_segments_frames_the_same_lines(string name)
    {
        // Lines of 16 KiB and more, each spread over thousands of segments.
        var data = Fixture(name);
        var lines = await PipeFeeder.Lines(data, [], OneMiB, new OneBytePool());
        Assert.Equal(SplitOnNewline(data), lines);
    }

    [Fact]
    public void Incomplete_line_needs_more_data_and_consumes_nothing()
    {
        var buffer = new ReadOnlySequence<byte>("no newline yet"u8.ToArray());
        var before = buffer;

        Assert.False(LineFramer.TryReadLine(ref buffer, 64, out var line, out var split));
        Assert.Equal(before.Start, buffer.Start);
        Assert.Equal(before.End, buffer.End);
        Assert.True(line.IsEmpty);
        Assert.False(split);
    }

    [Fact]
    public void A_buffer_exactly_at_the_cap_without_newline_waits_it_may_be_a_line_of_exactly_the_cap()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[8]);
        Assert.False(LineFramer.TryReadLine(ref buffer, 8, out _, out _));
        Assert.Equal(8, buffer.Length);
    }

    [Fact]
    public void Line_of_exactly_the_cap_is_whole()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("abcdefgh\nnext\n"));

        Assert.True(LineFramer.TryReadLine(ref buffer, 8, out var line, out var split));
        Assert.Equal("abcdefgh", Encoding.ASCII.GetString(line));
        Assert.False(split);
        Assert.True(LineFramer.TryReadLine(ref buffer, 8, out line, out split));
        Assert.Equal("next", Encoding.ASCII.GetString(line));
        Assert.False(split);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Line_one_byte_over_the_cap_comes_as_the_cap_then_the_rest()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("abcdefghi\n"));

        Assert.True(LineFramer.TryReadLine(ref buffer, 8, out var line, out var split));
        Assert.Equal("abcdefgh", Encoding.ASCII.GetString(line));
        Assert.True(split);
        Assert.True(LineFramer.TryReadLine(ref buffer, 8, out line, out split));
        Assert.Equal("i", Encoding.ASCII.GetString(line));
        Assert.False(split);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Empty_lines_and_carriage_returns_are_kept_as_they_are()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("\n\r\na\r\n"));
        var lines = new List<string>();
        while (LineFramer.TryReadLine(ref buffer, 8, out var line, out _))
        {
            lines.Add(Encoding.ASCII.GetString(line));
        }

        Assert.Equal(["", "\r", "a\r"], lines);
    }

    [Fact]
    public async Task Five_MiB_line_with_a_one_MiB_cap_comes_in_five_parts_and_never_stalls_the_file()
    {
        var data = new byte[(5 * OneMiB) + 1 + 5];
        for (var i = 0; i < 5 * OneMiB; i++)
        {
            data[i] = (byte)('a' + (i % 26));
        }

        data[5 * OneMiB] = (byte)'\n';
        "next\n"u8.CopyTo(data.AsSpan((5 * OneMiB) + 1));

        var parts = new List<(byte[] Bytes, long Start, long End, bool Split)>();
        long mostBuffered = 0;
        const int write = 64 * 1024;
        var cuts = Enumerable.Range(1, (data.Length - 1) / write).Select(i => i * write);
        var left = await PipeFeeder.Feed(data, cuts, OneMiB, (line, start, end, split) => parts.Add((line.ToArray(), start, end, split)),
            onBuffered: length => mostBuffered = Math.Max(mostBuffered, length));

        Assert.Equal(0, left);
        Assert.Equal([true, true, true, true, false, false], parts.Select(p => p.Split));
        Assert.All(parts.Take(5), p => Assert.Equal(OneMiB, p.Bytes.Length));
        Assert.Equal(data.AsSpan(0, 5 * OneMiB).ToArray(), parts.Take(5).SelectMany(p => p.Bytes).ToArray());
        Assert.Equal("next", Encoding.ASCII.GetString(parts[5].Bytes));
        // Offsets tile the file: each part starts where the previous ended; the '\n' belongs to the last part.
        Assert.Equal(0, parts[0].Start);
        Assert.All(parts.Zip(parts.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
        Assert.Equal(data.Length, parts[^1].End);
        // A part is handed out as soon as the cap is exceeded: the pipe never holds much more than the cap.
        Assert.True(mostBuffered <= OneMiB + write, $"buffered {mostBuffered} bytes");
    }

    [Fact]
    public void A_line_spread_over_many_segments_is_found_across_them()
    {
        var first = new Segment("2026-03-14T09:26:40Z std"u8.ToArray());
        var last = first.Append("out F hel"u8.ToArray()).Append("lo\nrest"u8.ToArray());
        var buffer = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);

        Assert.True(LineFramer.TryReadLine(ref buffer, 1024, out var line, out var split));
        Assert.False(line.IsSingleSegment);
        Assert.Equal("2026-03-14T09:26:40Z stdout F hello", Encoding.ASCII.GetString(line));
        Assert.False(split);
        Assert.Equal("rest", Encoding.ASCII.GetString(buffer));
    }

    [Fact]
    public void A_cap_that_is_not_positive_is_a_programming_error()
    {
        var buffer = new ReadOnlySequence<byte>("a\n"u8.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => LineFramer.TryReadLine(ref buffer, 0, out _, out _));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes) => Memory = bytes;

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
