using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Parsing;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tests.Parsing.Multiline;

/// <summary>The joiner's mechanics: offsets, timestamps, flags, the cap, what it holds and when it lets go.</summary>
public sealed class MultilineJoinerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = MultilineJoiner.DefaultFlushTimeout;

    [Fact]
    public void The_record_has_the_first_lines_timestamp_and_start_and_the_last_lines_end()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        harness.Feed("java.lang.IllegalStateException: boom");
        harness.Feed("\tat com.shop.A.b(A.java:10)");
        harness.Feed("\tat com.shop.A.main(A.java:3)");
        harness.Feed("next");

        var record = harness.Records[0];
        Assert.Equal(JoinerHarness.Timestamp(0), record.TimestampText);
        Assert.Equal(0, record.StartOffset);
        Assert.Equal(harness.Lines[2].End, record.EndOffset);
        Assert.Equal("java.lang.IllegalStateException: boom\n\tat com.shop.A.b(A.java:10)\n\tat com.shop.A.main(A.java:3)", Encoding.UTF8.GetString(record.Message.Span));
    }

    [Fact]
    public void The_watermark_is_held_before_a_pending_trace_and_released_when_it_ends()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        Assert.Null(harness.Joiner.OldestPendingStart);

        harness.Feed("ordinary");
        Assert.Null(harness.Joiner.OldestPendingStart);
        var header = harness.Feed("Traceback (most recent call last):");
        Assert.Equal(harness.Lines[header].Start, harness.Joiner.OldestPendingStart);
        Assert.True(harness.Joiner.IsPending(LogStream.Stdout));
        Assert.False(harness.Joiner.IsPending(LogStream.Stderr));

        // A trace of the other stream that began later does not move it.
        harness.Feed("panic: boom", LogStream.Stderr);
        harness.Feed("  File \"/app/x.py\", line 1, in <module>");
        Assert.Equal(harness.Lines[header].Start, harness.Joiner.OldestPendingStart);
        Assert.Equal("Traceback (most recent call last):\n  File \"/app/x.py\", line 1, in <module>".Length + "panic: boom".Length, harness.Joiner.PendingBytes);

        harness.Feed("ValueError: x");
        harness.Feed("after");
        Assert.Equal(harness.Lines[2].Start, harness.Joiner.OldestPendingStart); // the stderr panic, still pending
        harness.FlushAll();
        Assert.Null(harness.Joiner.OldestPendingStart);
        Assert.Equal(0, harness.Joiner.PendingBytes);
    }

    [Fact]
    public void The_flags_of_the_joined_lines_are_kept()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        harness.Feed("java.lang.IllegalStateException: boom", flags: LogFlags.PartialFlushed);
        harness.Feed("\tat com.shop.A.b(A.java:10)", flags: LogFlags.Malformed);
        harness.Feed(Encoding.UTF8.GetBytes("\tat com.shop.A.c(A.java:11)").Concat(new byte[] { 0xFF }).ToArray(), flags: LogFlags.InvalidUtf8);

        var record = Assert.Single(harness.FlushAll());
        Assert.Equal(LogFlags.PartialFlushed | LogFlags.Malformed | LogFlags.InvalidUtf8, record.Flags);
    }

    [Fact]
    public void A_trace_over_the_cap_is_cut_at_a_character_flagged_and_still_covers_the_line_it_cut()
    {
        const int Cap = 64;
        using var harness = new JoinerHarness(MultilineRule.Auto, maxMessageBytes: Cap);
        var header = harness.Feed("java.lang.IllegalStateException: café"); // 38 bytes
        harness.Feed("\tat com.shop.A.b(A.java:10)"); // 27: 66 with the newline, over the cap
        var next = harness.Feed("\tat com.shop.A.c(A.java:11)");

        var records = harness.FlushAll();
        var joined = records[0];
        Assert.Equal(LogFlags.Truncated, joined.Flags);
        Assert.Equal(harness.Lines[header].Start, joined.Start);
        Assert.Equal(harness.Lines[next - 1].End, joined.End);
        var whole = Encoding.UTF8.GetBytes(harness.Joined(header, next - 1).Message);
        Assert.Equal(Encoding.UTF8.GetString(whole.AsSpan(0, Cap)), joined.Message);
        // The trace ended at the cap; the frame after it is a line of its own, and every byte is covered once.
        Assert.Equal(harness.Single(next), records[1]);
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public void A_cut_inside_a_character_drops_the_whole_character()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto, maxMessageBytes: 41);
        harness.Feed("java.lang.IllegalStateException: x"); // 35 bytes
        harness.Feed("\tat €.A.b(A.java:1)"); // 5 bytes fit after the newline: the cut falls inside the euro sign

        var record = Assert.Single(harness.FlushAll());
        Assert.Equal("java.lang.IllegalStateException: x\n\tat ", record.Message);
        Assert.Equal(LogFlags.Truncated, record.Flags);
    }

    [Fact]
    public void A_tentative_line_that_would_not_fit_ends_the_trace_before_it()
    {
        // 11 + 25 + 25 bytes: the trace fills the cap exactly, and the blank line before Node's trailer is tentative.
        using var harness = new JoinerHarness(MultilineRule.Auto, maxMessageBytes: 61);
        var first = harness.FeedLines("Error: boom\n    at f (/app/x.js:1:2)\n    at g (/app/x.js:3:4)");
        var blank = harness.Feed("");
        var trailer = harness.Feed("Node.js v20.17.0");

        Assert.Equal([harness.Joined(first, blank - 1), harness.Single(blank), harness.Single(trailer)], harness.FlushAll());
    }

    [Fact]
    public void Unconfirmed_lines_go_out_one_by_one_and_may_begin_a_trace_of_their_own()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        var first = harness.Feed("2026-03-14 09:00:00.001 ERROR [main] c.s.A - first failure");
        var second = harness.Feed("2026-03-14 09:00:00.002 ERROR [main] c.s.A - second failure");
        var header = harness.Feed("java.lang.IllegalStateException: boom");
        var frame = harness.Feed("\tat com.shop.A.b(A.java:10)");

        Assert.Equal([harness.Single(first), harness.Joined(second, frame)], harness.FlushAll());
        Assert.True(header > second);
    }

    [Fact]
    public void A_blank_line_after_a_trace_is_not_part_of_it_unless_the_trace_goes_on()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        var panic = harness.FeedLines("panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x18");
        var blank = harness.Feed("");
        var next = harness.Feed("2026/03/14 09:00:00 restarted");

        Assert.Equal([harness.Joined(panic, blank - 1), harness.Single(blank), harness.Single(next)], harness.FlushAll());
    }

    [Fact]
    public void A_pending_trace_is_flushed_once_its_last_line_is_older_than_the_timeout()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        var first = harness.FeedLines("Error: boom\n    at f (/app/x.js:1:2)");

        harness.Joiner.FlushStale(T0, [.. harness.Records]); // first sight
        var output = new List<LogRecord>();
        harness.Joiner.FlushStale(T0 + Timeout - TimeSpan.FromMilliseconds(1), output);
        Assert.Empty(output);

        // A new line restarts the wait.
        harness.Feed("    at g (/app/x.js:3:4)");
        harness.Joiner.FlushStale(T0 + Timeout, output);
        Assert.Empty(output);
        harness.Joiner.FlushStale(T0 + Timeout + Timeout, output);

        var record = ExpectedRecord.From(Assert.Single(output));
        Assert.Equal(harness.Joined(first, first + 2), record);
        Assert.Null(harness.Joiner.OldestPendingStart);
    }

    [Fact]
    public void A_flush_emits_a_header_whose_frames_never_came_as_its_own_line()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto, flushTimeout: TimeSpan.Zero);
        var header = harness.Feed("2026-03-14 09:00:00.001 ERROR [main] c.s.A - failed");
        var exception = harness.Feed("java.lang.IllegalStateException: boom");

        var output = new List<LogRecord>();
        harness.Joiner.FlushStale(T0, output);
        Assert.Empty(output); // never flushed by the call that first sees it
        harness.Joiner.FlushStale(T0, output);

        Assert.Equal([harness.Single(header), harness.Single(exception)], output.Select(ExpectedRecord.From));
        Assert.Null(harness.Joiner.OldestPendingStart);
    }

    [Fact]
    public void Flushing_emits_the_stream_whose_trace_began_first_first()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        var err = harness.Feed("Error: boom", LogStream.Stderr);
        var output = harness.Feed("Error: other");

        Assert.Equal([harness.Single(err), harness.Single(output)], harness.FlushAll());
    }

    [Fact]
    public void Changing_the_rule_emits_what_is_pending_under_the_old_one()
    {
        using var harness = new JoinerHarness(MultilineRule.Auto);
        var first = harness.FeedLines("Error: boom\n    at f (/app/x.js:1:2)");
        var output = new List<LogRecord>();

        harness.Joiner.ChangeRule(MultilineRule.None, output);

        Assert.Equal([harness.Joined(first, first + 1)], output.Select(ExpectedRecord.From));
        Assert.Same(MultilineRule.None, harness.Joiner.Rule);
        harness.Feed("Error: again");
        Assert.Null(harness.Joiner.OldestPendingStart);
    }

    [Fact]
    public void AddRange_joins_a_turns_records_in_place()
    {
        using var joiner = new MultilineJoiner(MultilineRule.Auto, 1 << 20, Timeout);
        List<LogRecord> records = [Record("kept", 0), Record("Error: boom", 100), Record("    at f (/app/x.js:1:2)", 200), Record("after", 300)];

        joiner.AddRange(records, 1);

        Assert.Equal(["kept", "Error: boom\n    at f (/app/x.js:1:2)", "after"], records.Select(r => Encoding.UTF8.GetString(r.Message.Span)));
        Assert.Equal([0L, 100L, 300L], records.Select(r => r.StartOffset));

        // One record at a time, as the reading loop decodes a line at a time.
        records.Clear();
        foreach (var (text, start) in new[] { ("TypeError: x", 400L), ("    at g (/app/y.js:3:4)", 500L), ("next", 600L) })
        {
            records.Add(Record(text, start));
            joiner.AddRange(records, records.Count - 1);
        }

        Assert.Equal(["TypeError: x\n    at g (/app/y.js:3:4)", "next"], records.Select(r => Encoding.UTF8.GetString(r.Message.Span)));

        static LogRecord Record(string text, long start) =>
            new("2026-03-14T09:00:00Z", LogStream.Stdout, Encoding.UTF8.GetBytes(text), start, start + 100, LogFlags.None);
    }

    [Fact]
    public void The_merger_writes_its_records_straight_into_the_joiner()
    {
        using var arena = new RecordArena();
        using var merger = new PartialLineMerger(1 << 20, PartialLineMerger.DefaultPartialTimeout, arena);
        using var joiner = new MultilineJoiner(MultilineRule.Auto, 1 << 20, Timeout, arena);
        var output = new List<LogRecord>();
        var ts = Encoding.ASCII.GetBytes("2026-03-14T09:00:00Z");

        // A CRI P/F pair makes the header; its frame follows; then an ordinary line.
        merger.Add(LogStream.Stdout, ts, "java.lang.IllegalState"u8, 0, 50, last: false, LogFlags.None, joiner.Into(output));
        merger.Add(LogStream.Stdout, ts, "Exception: boom"u8, 50, 100, last: true, LogFlags.None, joiner.Into(output));
        merger.Add(LogStream.Stdout, ts, "\tat com.shop.A.b(A.java:10)"u8, 100, 150, last: true, LogFlags.None, joiner.Into(output));
        Assert.Empty(output);
        Assert.Equal(0, joiner.OldestPendingStart);
        merger.Add(LogStream.Stdout, ts, "done"u8, 150, 200, last: true, LogFlags.None, joiner.Into(output));

        Assert.Equal(
            [new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stdout, "java.lang.IllegalStateException: boom\n\tat com.shop.A.b(A.java:10)", 0, 150, LogFlags.None),
             new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stdout, "done", 150, 200, LogFlags.None)],
            output.Select(ExpectedRecord.From));
    }

    [Fact]
    public void Disposing_drops_what_is_pending()
    {
        var harness = new JoinerHarness(MultilineRule.Auto);
        harness.Feed("Error: boom");
        harness.Dispose();

        Assert.Null(harness.Joiner.OldestPendingStart);
        Assert.Empty(harness.FlushAll());
    }
}
