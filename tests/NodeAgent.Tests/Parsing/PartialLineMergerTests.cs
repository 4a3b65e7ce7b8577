using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Parsing;

namespace NodeAgent.Tests.Parsing;

public sealed class PartialLineMergerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = PartialLineMerger.DefaultPartialTimeout;

    private readonly List<LogRecord> _records = [];

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private void Add(PartialLineMerger merger, LogStream stream, string timestamp, string piece, long start, long end, bool last, LogFlags flags = LogFlags.None) =>
        merger.Add(stream, B(timestamp), B(piece), start, end, last, flags, _records);

    [Fact]
    public void A_whole_message_goes_straight_to_its_record()
    {
        using var merger = new PartialLineMerger(1024, Timeout);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:00Z", "hello", 0, 40, last: true);

        var record = Assert.Single(_records);
        Assert.Equal(new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stdout, "hello", 0, 40, LogFlags.None), ExpectedRecord.From(record));
        Assert.Null(merger.OldestPendingStart);
    }

    [Fact]
    public void Pieces_join_per_stream_with_the_first_piece_timestamp_and_the_span_of_all_pieces()
    {
        using var merger = new PartialLineMerger(1024, Timeout);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:00.1Z", "out one ", 0, 50, last: false);
        Add(merger, LogStream.Stderr, "2026-03-14T09:00:00.2Z", "err one ", 50, 100, last: false);
        Assert.Equal(0, merger.OldestPendingStart);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:00.3Z", "out two", 100, 150, last: true);
        Assert.Equal(50, merger.OldestPendingStart);
        Add(merger, LogStream.Stderr, "2026-03-14T09:00:00.4Z", "err two", 150, 200, last: true);

        Assert.Equal(
            [
                new ExpectedRecord("2026-03-14T09:00:00.1Z", LogStream.Stdout, "out one out two", 0, 150, LogFlags.None),
                new ExpectedRecord("2026-03-14T09:00:00.2Z", LogStream.Stderr, "err one err two", 50, 200, LogFlags.None),
            ],
            _records.Select(ExpectedRecord.From));
        Assert.Null(merger.OldestPendingStart);
        Assert.False(merger.IsPending(LogStream.Stdout));
    }

    [Fact]
    public void Many_pieces_grow_one_pooled_buffer_and_the_message_is_exact()
    {
        using var merger = new PartialLineMerger(1024 * 1024, Timeout);
        var expected = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            var piece = new string((char)('a' + (i % 26)), 1000);
            expected.Append(piece);
            Add(merger, LogStream.Stdout, "2026-03-14T09:00:00Z", piece, i * 1040L, (i + 1) * 1040L, last: i == 99);
        }

        var record = Assert.Single(_records);
        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(record.Message.Span));
        Assert.Equal(100 * 1040, record.EndOffset);
    }

    [Fact]
    public void The_excess_over_the_cap_is_dropped_and_flagged_and_the_record_still_spans_every_piece()
    {
        using var merger = new PartialLineMerger(10, Timeout);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:00Z", "0123456", 0, 30, last: false);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:01Z", "789abc", 30, 60, last: false);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:02Z", "def", 60, 90, last: true);

        Assert.Equal(new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stdout, "0123456789", 0, 90, LogFlags.Truncated), ExpectedRecord.From(Assert.Single(_records)));
    }

    [Fact]
    public void A_single_piece_over_the_cap_is_cut_too()
    {
        using var merger = new PartialLineMerger(4, Timeout);
        Add(merger, LogStream.Stderr, "2026-03-14T09:00:00Z", "abcdefgh", 0, 30, last: true);

        Assert.Equal(new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stderr, "abcd", 0, 30, LogFlags.Truncated), ExpectedRecord.From(Assert.Single(_records)));
    }

    [Theory]
    [InlineData("ab€", 4, "ab")] // the cut falls inside the euro sign: it goes whole
    [InlineData("ab€", 5, "ab€")]
    [InlineData("a🚀", 4, "a")]
    [InlineData("aé", 2, "a")]
    public void A_cut_never_splits_a_character(string text, int cap, string expected)
    {
        using var merger = new PartialLineMerger(cap, Timeout);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:00Z", text + "tail", 0, 30, last: true);

        var record = Assert.Single(_records);
        Assert.Equal(expected, Encoding.UTF8.GetString(record.Message.Span));
        Assert.Equal(LogFlags.Truncated, record.Flags);
    }

    [Fact]
    public void Invalid_bytes_at_the_cut_are_not_mistaken_for_a_cut_character()
    {
        byte[] invalid = [(byte)'a', 0xFF, 0xFE, (byte)'b', (byte)'c'];

        Assert.Equal(3, PartialLineMerger.CharacterBoundary(invalid.AsSpan(0, 3)));
        Assert.Equal(1, PartialLineMerger.CharacterBoundary([(byte)'a', 0xF0, 0x9F, 0x9A]));
        Assert.Equal(4, PartialLineMerger.CharacterBoundary([0xF0, 0x9F, 0x9A, 0x80]));
        Assert.Equal(0, PartialLineMerger.CharacterBoundary([]));
    }

    [Fact]
    public void A_pending_message_is_flushed_once_its_last_piece_is_older_than_the_timeout()
    {
        using var merger = new PartialLineMerger(1024, Timeout);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:00Z", "no end ", 0, 30, last: false);

        merger.FlushStale(T0, _records); // first sight of the piece
        merger.FlushStale(T0 + Timeout - TimeSpan.FromMilliseconds(1), _records);
        Assert.Empty(_records);

        // A new piece restarts the wait.
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:04Z", "yet", 30, 60, last: false);
        merger.FlushStale(T0 + Timeout, _records);
        Assert.Empty(_records);
        Assert.Equal(0, merger.OldestPendingStart);

        merger.FlushStale(T0 + Timeout + Timeout, _records);
        Assert.Equal(new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stdout, "no end yet", 0, 60, LogFlags.PartialFlushed), ExpectedRecord.From(Assert.Single(_records)));
        Assert.Null(merger.OldestPendingStart);

        // The stream starts afresh: the next piece is a new message.
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:20Z", "next", 60, 90, last: true);
        Assert.Equal("next", Encoding.UTF8.GetString(_records[^1].Message.Span));
        Assert.Equal(60, _records[^1].StartOffset);
    }

    [Fact]
    public void A_new_piece_is_never_flushed_by_the_call_that_first_sees_it_however_late()
    {
        using var merger = new PartialLineMerger(1024, TimeSpan.Zero);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:00Z", "piece", 0, 30, last: false);

        merger.FlushStale(T0 + TimeSpan.FromHours(1), _records);
        Assert.Empty(_records);
        merger.FlushStale(T0 + TimeSpan.FromHours(1), _records);
        Assert.Equal(LogFlags.PartialFlushed, Assert.Single(_records).Flags);
    }

    [Fact]
    public void Flushing_emits_the_older_message_first()
    {
        using var merger = new PartialLineMerger(1024, Timeout);
        Add(merger, LogStream.Stderr, "2026-03-14T09:00:00Z", "err", 0, 30, last: false);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:01Z", "out", 30, 60, last: false);

        merger.FlushAll(_records);

        Assert.Equal([0L, 30L], _records.Select(r => r.StartOffset));
        Assert.Equal([LogStream.Stderr, LogStream.Stdout], _records.Select(r => r.Stream));
        Assert.All(_records, r => Assert.Equal(LogFlags.PartialFlushed, r.Flags));
        Assert.Null(merger.OldestPendingStart);
    }

    [Fact]
    public void Flags_of_the_pieces_and_of_the_final_message_are_kept()
    {
        using var merger = new PartialLineMerger(1024, Timeout);
        merger.Add(LogStream.Stdout, B("2026-03-14T09:00:00Z"), [0xC3], 0, 10, last: false, LogFlags.Malformed, _records);
        merger.Add(LogStream.Stdout, B("2026-03-14T09:00:00Z"), [0xA9, 0x00], 10, 20, last: true, LogFlags.None, _records);

        var record = Assert.Single(_records);
        Assert.Equal("é\0", Encoding.UTF8.GetString(record.Message.Span));
        Assert.Equal(LogFlags.Malformed | LogFlags.ContainsNul, record.Flags);

        merger.Add(LogStream.Stdout, B("2026-03-14T09:00:00Z"), [0xC3, (byte)'x'], 20, 30, last: true, LogFlags.None, _records);
        Assert.Equal(LogFlags.InvalidUtf8, _records[^1].Flags);
    }

    [Fact]
    public void An_empty_timestamp_gives_an_empty_string()
    {
        using var merger = new PartialLineMerger(1024, Timeout);
        merger.Add(LogStream.Stdout, [], B("x"), 0, 2, last: true, LogFlags.Malformed, _records);

        Assert.True(Assert.Single(_records).Timestamp.IsEmpty);
    }

    [Fact]
    public void Disposing_drops_pending_pieces()
    {
        var merger = new PartialLineMerger(1024, Timeout);
        Add(merger, LogStream.Stdout, "2026-03-14T09:00:00Z", "pending", 0, 30, last: false);

        merger.Dispose();

        Assert.Null(merger.OldestPendingStart);
        merger.FlushAll(_records);
        Assert.Empty(_records);
    }
}
