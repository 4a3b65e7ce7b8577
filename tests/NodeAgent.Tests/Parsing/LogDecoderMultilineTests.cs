using System.Buffers;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Parsing;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tests.Parsing;

/// <summary>The decoder with multiline joining (issue 14): after partial lines are merged, per stream.</summary>
public sealed class LogDecoderMultilineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 8, 4, 0, 0, TimeSpan.Zero);

    private readonly List<LogRecord> _records = [];

    private static LogDecoder Decoder(MultilineRule rule) => new(1 << 20, PartialLineMerger.DefaultPartialTimeout, allowPlain: false, rule, TimeSpan.FromSeconds(1));

    // Decodes CRI lines laid end to end (one reading turn), then ends the turn as the reader does.
    private long Turn(LogDecoder decoder, long offset, bool atEnd, params string[] lines)
    {
        var first = _records.Count;
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            decoder.Decode(new ReadOnlySequence<byte>(bytes), offset, offset + bytes.Length + 1, split: false, _records);
            offset += bytes.Length + 1;
        }

        decoder.FinishTurn(_records, first, T0, atEnd, closing: false);
        return offset;
    }

    private static string Message(LogRecord r) => Encoding.UTF8.GetString(r.Message.Span);

    [Fact]
    public void A_java_trace_with_its_cause_is_one_record_from_its_first_line_to_its_last_and_the_next_line_stands_alone()
    {
        using var decoder = Decoder(MultilineRule.Auto);
        string[] lines =
        [
            "2026-12-08T04:00:00.000000001Z stderr F java.lang.IllegalStateException: boom",
            "2026-12-08T04:00:00.000000002Z stderr F \tat com.example.Shop.checkout(Shop.java:42)",
            "2026-12-08T04:00:00.000000003Z stdout F GET /healthz 200",
            "2026-12-08T04:00:00.000000004Z stderr F Caused by: java.io.IOException: disk full",
            "2026-12-08T04:00:00.000000005Z stderr F \tat com.example.Disk.write(Disk.java:7)",
            "2026-12-08T04:00:00.000000005Z stderr F \t... 1 more",
            "2026-12-08T04:00:00.000000006Z stderr F next request",
        ];
        var end = Turn(decoder, 0, atEnd: true, lines);

        Assert.Equal(
            [
                "GET /healthz 200",
                "java.lang.IllegalStateException: boom\n\tat com.example.Shop.checkout(Shop.java:42)\nCaused by: java.io.IOException: disk full\n\tat com.example.Disk.write(Disk.java:7)\n\t... 1 more",
                "next request",
            ],
            _records.Select(Message));
        var trace = _records[1];
        Assert.Equal(LogStream.Stderr, trace.Stream);
        Assert.Equal(0, trace.StartOffset);
        Assert.Equal(end - Encoding.UTF8.GetByteCount(lines[^1]) - 1, trace.EndOffset);
        Assert.Equal("2026-12-08T04:00:00.000000001Z", trace.TimestampText);
        Assert.Null(decoder.OldestPendingStart);
    }

    [Fact]
    public void A_trace_whose_end_is_not_read_yet_holds_the_watermark_at_its_first_line_until_its_flush_timeout()
    {
        using var decoder = Decoder(MultilineRule.Auto);
        Turn(decoder, 100, atEnd: true,
            "2026-12-08T04:00:00Z stdout F Traceback (most recent call last):",
            "2026-12-08T04:00:00Z stdout F   File \"/app/main.py\", line 3, in <module>",
            "2026-12-08T04:00:00Z stdout F     main()");

        Assert.Empty(_records);
        Assert.Equal(100, decoder.OldestPendingStart);
        Assert.True(decoder.PendingBytes > 0);

        decoder.FinishTurn(_records, _records.Count, T0 + TimeSpan.FromSeconds(1), atEnd: true, closing: false);

        Assert.Equal("Traceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n    main()", Message(Assert.Single(_records)));
        Assert.Null(decoder.OldestPendingStart);
    }

    [Fact]
    public void With_none_every_line_is_its_own_record()
    {
        using var decoder = Decoder(MultilineRule.None);
        Turn(decoder, 0, atEnd: true,
            "2026-12-08T04:00:00Z stderr F java.lang.IllegalStateException: boom",
            "2026-12-08T04:00:00Z stderr F \tat com.example.Shop.checkout(Shop.java:42)");

        Assert.Equal(2, _records.Count);
    }

    [Fact]
    public void A_rule_change_ships_the_pending_trace_and_later_lines_follow_the_new_rule()
    {
        using var decoder = Decoder(MultilineRule.Auto);
        Turn(decoder, 0, atEnd: false,
            "2026-12-08T04:00:00Z stderr F java.lang.IllegalStateException: boom",
            "2026-12-08T04:00:00Z stderr F \tat com.example.Shop.checkout(Shop.java:42)");
        Assert.Empty(_records);

        decoder.ChangeMultiline(MultilineRule.None, _records);

        Assert.Equal("java.lang.IllegalStateException: boom\n\tat com.example.Shop.checkout(Shop.java:42)", Message(Assert.Single(_records)));
        Assert.Same(MultilineRule.None, decoder.Multiline);
    }

    [Fact]
    public void Closing_the_file_ships_a_pending_trace_at_once()
    {
        using var decoder = Decoder(MultilineRule.Auto);
        Turn(decoder, 0, atEnd: false,
            "2026-12-08T04:00:00Z stderr F panic: runtime error: index out of range [3] with length 3",
            "2026-12-08T04:00:00Z stderr F ",
            "2026-12-08T04:00:00Z stderr F goroutine 1 [running]:");

        decoder.FinishTurn(_records, _records.Count, T0, atEnd: true, closing: true);

        Assert.StartsWith("panic: runtime error", Message(Assert.Single(_records)), StringComparison.Ordinal);
        Assert.Null(decoder.OldestPendingStart);
    }
}
