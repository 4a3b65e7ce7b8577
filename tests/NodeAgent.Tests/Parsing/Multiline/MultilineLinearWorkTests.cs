using System.Diagnostics;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tests.Parsing.Multiline;

/// <summary>
/// A tenant's line costs work linear in its length however it is built to trip the grammars (issue 11's finding was
/// quadratic work on one line): lines of 64 KiB and 512 KiB made of what the grammars look for, 8 times apart; the
/// bound is three times that (as in <see cref="Tests.Parsing.LinearWorkTests"/>). The fastest of 15 interleaved runs
/// each: a run of a few milliseconds on a loaded machine is often descheduled, and a quadratic path cannot hide.
/// </summary>
public sealed class MultilineLinearWorkTests
{
    private const double Bound = 3 * 8;

    public static TheoryData<string> Patterns() =>
    [
        "Exception", // many names, none followed by ": "
        "Error [", // a code that never closes
        "Error (0x", // an HRESULT that never closes
        "panic", // many, none followed by ": "
        "    at f(", // a frame that never closes
        ":1", // a location that goes on
        "ERROR", // a level word too long to be one
        "E", // the initial of every level word
        ".rb:1:in ", // a Ruby location, many times
        "#1 ", // PHP frames in one line
        "\t", // all indentation
    ];

    [Theory]
    [MemberData(nameof(Patterns))]
    public void A_long_line_of_what_the_grammars_look_for_costs_linear_work(string pattern)
    {
        byte[] small = Line(pattern, 64 * 1024), large = Line(pattern, 512 * 1024);

        var ratio = Ratio(() => Join(MultilineRule.Auto, small), () => Join(MultilineRule.Auto, large));

        Assert.True(ratio < Bound, $"8 times the bytes took {ratio:F1} times as long");
    }

    [Fact]
    public void A_long_line_against_a_pattern_that_backtracks_exponentially_costs_linear_work()
    {
        // (a|aa)+$ against a run of 'a' ending in 'b' takes exponential time with a backtracking engine.
        var rule = MultilineRule.Custom("hostile", "^(a|aa)+$", "^(a|aa)+$");
        byte[] small = Encoding.ASCII.GetBytes(new string('a', 64 * 1024) + "b"), large = Encoding.ASCII.GetBytes(new string('a', 512 * 1024) + "b");

        var ratio = Ratio(() => Join(rule, small), () => Join(rule, large));

        Assert.True(ratio < Bound, $"8 times the bytes took {ratio:F1} times as long");
    }

    [Fact]
    public void A_long_trace_is_joined_in_linear_work()
    {
        static byte[][] Trace(int frames) =>
            [Encoding.ASCII.GetBytes("java.lang.IllegalStateException: boom"), .. Enumerable.Range(0, frames).Select(i => Encoding.ASCII.GetBytes($"\tat com.shop.A.m{i}(A.java:{i})"))];

        byte[][] small = Trace(2_000), large = Trace(16_000);
        var ratio = Ratio(() => Join(MultilineRule.Auto, small), () => Join(MultilineRule.Auto, large));

        Assert.True(ratio < Bound, $"8 times the frames took {ratio:F1} times as long");
    }

    private static double Ratio(Action small, Action large)
    {
        double fastestSmall = double.MaxValue, fastestLarge = double.MaxValue;
        for (var run = 0; run < 15; run++)
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

    private static byte[] Line(string pattern, int bytes) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(pattern, bytes / pattern.Length)));

    private static void Join(MultilineRule rule, params byte[][] lines)
    {
        using var joiner = new MultilineJoiner(rule, 2 << 20, MultilineJoiner.DefaultFlushTimeout);
        var output = new List<LogRecord>();
        long offset = 0;
        foreach (var line in lines)
        {
            joiner.Add(new LogRecord("2026-03-14T09:00:00Z", LogStream.Stdout, line, offset, offset + line.Length + 1, LogFlags.None), output);
            offset += line.Length + 1;
        }

        joiner.FlushAll(output);
        Assert.NotEmpty(output);
    }
}
