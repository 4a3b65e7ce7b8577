using System.Buffers;
using System.Diagnostics;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Parsing;

namespace NodeAgent.Tests.Parsing;

/// <summary>Measures how work grows with its input: the fastest of several interleaved runs of two sizes.</summary>
internal static class Linearity
{
    /// <summary>How many times longer <paramref name="large"/> takes than <paramref name="small"/>; the later runs
    /// use the JIT's optimized code, and a run slowed by other work on the machine is not the fastest.</summary>
    public static double Ratio(Action small, Action large)
    {
        double fastestSmall = double.MaxValue, fastestLarge = double.MaxValue;
        for (var run = 0; run < 7; run++)
        {
            var started = Stopwatch.GetTimestamp();
            small();
            fastestSmall = Math.Min(fastestSmall, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            large();
            fastestLarge = Math.Min(fastestLarge, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return fastestLarge / fastestSmall;
    }
}

/// <summary>
/// One message of many pieces, or one line of many escapes, costs work linear in its size (issue 11: no quadratic work
/// on one line, whatever a tenant writes). Each input is 8 times the other; the bound is three times that, so a loaded
/// machine does not fail it and a quadratic path cannot pass it.
/// </summary>
public sealed class LinearWorkTests
{
    private const double Bound = 3 * 8;

    private static byte[][] Lines(int count, Func<int, string> line) =>
        [.. Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes(line(i)))];

    private static void Decode(byte[][] lines, int expectedRecords)
    {
        using var decoder = new LogDecoder(1 << 20);
        var records = new List<LogRecord>();
        long offset = 0;
        foreach (var line in lines)
        {
            decoder.Decode(new ReadOnlySequence<byte>(line), offset, offset + line.Length + 1, split: false, records);
            offset += line.Length + 1;
        }

        Assert.Equal(expectedRecords, records.Count);
    }

    [Fact]
    public void A_message_of_many_cri_partial_lines_is_joined_in_linear_work()
    {
        // 1,000 and 8,000 P pieces of 100 bytes, then the F: messages of 100 KB and 800 KB, under the 1 MiB cap.
        static byte[][] Message(int pieces) => Lines(pieces + 1, i =>
            "2026-11-28T10:15:00.123456789Z stdout " + (i < pieces ? "P " : "F ") + new string((char)('a' + (i % 26)), 100));

        byte[][] small = Message(1_000), large = Message(8_000);
        var ratio = Linearity.Ratio(() => Decode(small, 1), () => Decode(large, 1));
        Assert.True(ratio < Bound, $"8 times the pieces took {ratio:F1} times as long");
    }

    [Fact]
    public void A_message_of_many_docker_pieces_is_joined_in_linear_work()
    {
        // Docker cuts a long line into 16 KiB pieces: 8 and 64 of them (128 KiB and 1 MiB).
        static byte[][] Message(int pieces) => Lines(pieces, i =>
            "{\"log\":\"" + new string('x', 16 * 1024) + (i == pieces - 1 ? "\\n" : "") + "\",\"stream\":\"stdout\",\"time\":\"2026-11-28T10:15:00.123456789Z\"}");

        byte[][] small = Message(8), large = Message(64);
        var ratio = Linearity.Ratio(() => Decode(small, 1), () => Decode(large, 1));
        Assert.True(ratio < Bound, $"8 times the pieces took {ratio:F1} times as long");
    }

    [Theory]
    [InlineData("\\n")] // an escaped newline
    [InlineData("\\u0000")] // NUL
    [InlineData("\\\\")] // an escaped backslash: a run of them ends the value
    [InlineData("\\ud83d")] // a lone surrogate, replaced
    public void A_docker_line_of_escapes_is_unescaped_in_linear_work(string escape)
    {
        static byte[][] Line(string escape, int bytes) => Lines(1, _ =>
            "{\"log\":\"" + string.Concat(Enumerable.Repeat(escape, bytes / escape.Length)) + "\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-28T10:15:00Z\"}");

        byte[][] small = Line(escape, 128 * 1024), large = Line(escape, 1024 * 1024);
        var ratio = Linearity.Ratio(() => Decode(small, 1), () => Decode(large, 1));
        Assert.True(ratio < Bound, $"8 times the escapes took {ratio:F1} times as long");
    }

    [Fact]
    public void A_cri_line_of_invalid_utf8_and_nul_is_decoded_in_linear_work()
    {
        static byte[][] Line(int bytes)
        {
            var prefix = "2026-11-28T10:15:00.123456789Z stdout F "u8;
            var line = new byte[prefix.Length + bytes];
            prefix.CopyTo(line);
            for (var i = prefix.Length; i < line.Length; i++)
            {
                line[i] = (i % 3) switch { 0 => 0xFF, 1 => 0, _ => (byte)'a' };
            }

            return [line];
        }

        byte[][] small = Line(128 * 1024), large = Line(1024 * 1024);
        var ratio = Linearity.Ratio(() => Decode(small, 1), () => Decode(large, 1));
        Assert.True(ratio < Bound, $"8 times the bytes took {ratio:F1} times as long");
    }
}
