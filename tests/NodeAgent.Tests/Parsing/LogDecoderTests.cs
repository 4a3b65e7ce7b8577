using System.Buffers;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Parsing;
using NodeAgent.Tests.Tailing;

namespace NodeAgent.Tests.Parsing;

public sealed class LogDecoderTests
{
    private readonly List<LogRecord> _records = [];

    private static ReadOnlySequence<byte> Line(string text) => new(Encoding.UTF8.GetBytes(text));

    // Decodes whole lines laid end to end, as a tail would see them.
    private static long DecodeLines(LogDecoder decoder, List<LogRecord> records, long offset, params string[] lines)
    {
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            decoder.Decode(new ReadOnlySequence<byte>(bytes), offset, offset + bytes.Length + 1, split: false, records);
            offset += bytes.Length + 1;
        }

        return offset;
    }

    [Theory]
    [InlineData("containerd")]
    [InlineData("crio")]
    [InlineData("docker")]
    [InlineData("cri-edge-cases")]
    public async Task Fixture_decodes_to_its_expected_records(string name)
    {
        Assert.Equal(LogFixture.Expected(name), await LogFixture.Decode(LogFixture.Bytes(name), []));
    }

    [Theory]
    [InlineData("containerd")]
    [InlineData("crio")]
    [InlineData("docker")]
    [InlineData("cri-edge-cases")]
    public async Task Fixture_in_one_byte_segments_decodes_the_same(string name)
    {
        // Every line straddles segments: the decoder must never look at FirstSpan alone.
        var records = await LogFixture.Decode(LogFixture.Bytes(name), [], pool: new OneBytePool());

        Assert.Equal(LogFixture.Expected(name), records);
    }

    [Fact]
    public async Task Edge_cases_decode_the_same_at_every_prefix_split()
    {
        var data = LogFixture.Bytes("cri-edge-cases");
        var expected = LogFixture.Expected("cri-edge-cases");

        for (var cut = 0; cut <= data.Length; cut++)
        {
            Assert.Equal(expected, await LogFixture.Decode(data, [cut]));
        }
    }

    [Fact]
    public async Task Docker_fixture_decodes_the_same_in_small_pipe_writes()
    {
        var data = LogFixture.Bytes("docker");
        var cuts = Enumerable.Range(1, data.Length / 97).Select(i => i * 97);

        Assert.Equal(LogFixture.Expected("docker"), await LogFixture.Decode(data, cuts));
    }

    [Fact]
    public void The_format_is_detected_once_then_kept()
    {
        using var decoder = new LogDecoder(1024);
        DecodeLines(decoder, _records, 0,
            "2026-03-14T09:00:00Z stdout F cri",
            """{"log":"docker\n","stream":"stdout","time":"2026-03-14T09:00:01Z"}""");

        Assert.Equal(LogFormat.Cri, decoder.Format);
        Assert.Equal([LogFlags.None, LogFlags.Malformed], _records.Select(r => r.Flags));
        Assert.Equal("2026-03-14T09:00:00Z", _records[1].TimestampText);
    }

    [Fact]
    public void A_file_outside_kubelets_layout_whose_first_line_is_neither_format_is_read_as_plain_lines()
    {
        using var decoder = new LogDecoder(1024, PartialLineMerger.DefaultPartialTimeout, allowPlain: true) { SyslogZone = TimeZoneInfo.Utc };
        decoder.ReadTime = new DateTimeOffset(2026, 12, 8, 4, 0, 0, TimeSpan.Zero);
        DecodeLines(decoder, _records, 0,
            "2026-12-08T03:31:12.5+00:00 node1 systemd[1]: Started\r",
            "Dec  8 03:31:13 node1 CRON[2]: (root) CMD",
            "no time at all",
            "2026-03-14T09:00:00Z stdout F even a CRI-looking line later is a plain line");

        Assert.Equal(LogFormat.Plain, decoder.Format);
        Assert.Equal(
            [
                new ExpectedRecord("2026-12-08T03:31:12.5+00:00", LogStream.Stdout, "2026-12-08T03:31:12.5+00:00 node1 systemd[1]: Started", 0, 55, LogFlags.None),
                new ExpectedRecord("2026-12-08T03:31:13Z", LogStream.Stdout, "Dec  8 03:31:13 node1 CRON[2]: (root) CMD", 55, 97, LogFlags.None),
                new ExpectedRecord("", LogStream.Stdout, "no time at all", 97, 112, LogFlags.None),
                new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stdout, "2026-03-14T09:00:00Z stdout F even a CRI-looking line later is a plain line", 112, 188, LogFlags.None),
            ],
            _records.Select(ExpectedRecord.From));
    }

    [Fact]
    public void A_file_that_may_be_plain_but_starts_with_a_cri_line_is_a_cri_file()
    {
        using var decoder = new LogDecoder(1024, PartialLineMerger.DefaultPartialTimeout, allowPlain: true);
        DecodeLines(decoder, _records, 0, "2026-03-14T09:00:00Z stderr F cri", "garbage");

        Assert.Equal(LogFormat.Cri, decoder.Format);
        Assert.Equal([LogFlags.None, LogFlags.Malformed], _records.Select(r => r.Flags));
    }

    [Fact]
    public void A_kubelet_file_never_becomes_plain()
    {
        using var decoder = new LogDecoder(1024, PartialLineMerger.DefaultPartialTimeout, allowPlain: false);
        DecodeLines(decoder, _records, 0, "Dec  8 03:31:13 node1 CRON[2]: (root) CMD");

        Assert.Equal(LogFormat.Unknown, decoder.Format);
        Assert.Equal(LogFlags.Malformed, Assert.Single(_records).Flags);
    }

    [Fact]
    public void A_plain_line_split_by_the_framer_is_one_message_with_the_first_parts_time()
    {
        using var decoder = new LogDecoder(1024, PartialLineMerger.DefaultPartialTimeout, allowPlain: true);
        decoder.Decode(Line("2026-12-08T03:31:12Z first "), 0, 27, split: true, _records);
        decoder.Decode(Line("2026-12-08T09:00:00Z second"), 27, 55, split: false, _records);

        var record = Assert.Single(_records);
        Assert.Equal(new ExpectedRecord("2026-12-08T03:31:12Z", LogStream.Stdout, "2026-12-08T03:31:12Z first 2026-12-08T09:00:00Z second", 0, 55, LogFlags.None), ExpectedRecord.From(record));
    }

    [Fact]
    public void Lines_before_the_format_is_known_are_malformed_without_a_timestamp_and_detection_goes_on()
    {
        using var decoder = new LogDecoder(1024);
        DecodeLines(decoder, _records, 0, "", "starting...", """{"log":"x\n","stream":"stderr","time":"2026-03-14T09:00:01Z"}""");

        Assert.Equal(LogFormat.DockerJson, decoder.Format);
        Assert.Equal(
            [
                new ExpectedRecord("", LogStream.Stdout, "", 0, 1, LogFlags.Malformed),
                new ExpectedRecord("", LogStream.Stdout, "starting...", 1, 13, LogFlags.Malformed),
                new ExpectedRecord("2026-03-14T09:00:01Z", LogStream.Stderr, "x", 13, 75, LogFlags.None),
            ],
            _records.Select(ExpectedRecord.From));
    }

    [Fact]
    public void A_cri_line_split_by_the_framer_is_joined_again()
    {
        using var decoder = new LogDecoder(1024);
        decoder.Decode(Line("2026-03-14T09:00:00Z stdout F a long li"), 0, 39, split: true, _records);
        Assert.Equal(0, decoder.OldestPendingStart);
        decoder.Decode(Line("ne that did not fit"), 39, 58, split: true, _records);
        decoder.Decode(Line(" the cap\r"), 58, 68, split: false, _records);

        Assert.Equal(new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stdout, "a long line that did not fit the cap", 0, 68, LogFlags.None), ExpectedRecord.From(Assert.Single(_records)));
        Assert.Null(decoder.OldestPendingStart);
    }

    [Fact]
    public void A_split_partial_line_keeps_waiting_for_its_F()
    {
        using var decoder = new LogDecoder(1024);
        decoder.Decode(Line("2026-03-14T09:00:00Z stderr P first "), 0, 36, split: true, _records);
        decoder.Decode(Line("part"), 36, 41, split: false, _records);
        Assert.Empty(_records);
        DecodeLines(decoder, _records, 41, "2026-03-14T09:00:01Z stderr F , end");

        Assert.Equal(new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stderr, "first part, end", 0, 77, LogFlags.None), ExpectedRecord.From(Assert.Single(_records)));
    }

    [Fact]
    public async Task A_line_longer_than_both_caps_is_cut_at_the_message_cap_and_flagged()
    {
        var header = "2026-03-14T09:00:00Z stdout F ";
        var body = string.Concat(Enumerable.Repeat("0123456789", 50));
        var data = Encoding.ASCII.GetBytes(header + body + "\n" + "2026-03-14T09:00:01Z stdout F after\n");

        var records = await LogFixture.Decode(data, [], maxLineBytes: 64, maxMessageBytes: 100);

        Assert.Equal(
            [
                new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stdout, body[..100], 0, header.Length + body.Length + 1, LogFlags.Truncated),
                new ExpectedRecord("2026-03-14T09:00:01Z", LogStream.Stdout, "after", header.Length + body.Length + 1, data.Length, LogFlags.None),
            ],
            records);
    }

    [Fact]
    public void A_split_docker_line_is_kept_whole_as_malformed()
    {
        using var decoder = new LogDecoder(1024);
        DecodeLines(decoder, _records, 0, """{"log":"ok\n","stream":"stdout","time":"2026-03-14T09:00:00Z"}""");
        decoder.Decode(Line("""{"log":"too long for"""), 64, 84, split: true, _records);
        decoder.Decode(Line(""" the cap\n","stream":"stdout","time":"2026-03-14T09:00:01Z"}"""), 84, 140, split: false, _records);

        Assert.Equal(
            new ExpectedRecord("2026-03-14T09:00:00Z", LogStream.Stdout, """{"log":"too long for the cap\n","stream":"stdout","time":"2026-03-14T09:00:01Z"}""", 64, 140, LogFlags.Malformed),
            ExpectedRecord.From(_records[1]));
    }

    [Fact]
    public void A_line_in_several_segments_decodes_like_a_contiguous_one()
    {
        var text = Encoding.UTF8.GetBytes("2026-03-14T09:00:00Z stdout F split across segments");
        var first = new Segment(text[..10]);
        var last = first.Append(text[10..31]).Append(text[31..]);
        using var decoder = new LogDecoder(1024);

        decoder.Decode(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), 0, text.Length + 1, split: false, _records);

        Assert.Equal("split across segments", Encoding.UTF8.GetString(Assert.Single(_records).Message.Span));
    }

    [Fact]
    public void Pending_partials_hold_the_watermark_until_flushed()
    {
        using var decoder = new LogDecoder(1024, TimeSpan.FromSeconds(5));
        var offset = DecodeLines(decoder, _records, 0,
            "2026-03-14T09:00:00Z stdout F done",
            "2026-03-14T09:00:01Z stdout P waiting");
        Assert.Equal(35, decoder.OldestPendingStart);
        DecodeLines(decoder, _records, offset, "2026-03-14T09:00:02Z stderr F other stream");
        Assert.Equal(35, decoder.OldestPendingStart);

        decoder.FlushStale(LogFixture.Start, _records);
        decoder.FlushStale(LogFixture.Start + TimeSpan.FromSeconds(5), _records);

        Assert.Null(decoder.OldestPendingStart);
        Assert.Equal(new ExpectedRecord("2026-03-14T09:00:01Z", LogStream.Stdout, "waiting", 35, 73, LogFlags.PartialFlushed), ExpectedRecord.From(_records[^1]));
    }

    [Fact]
    public void Flushing_everything_at_close_ends_a_split_line_too()
    {
        using var decoder = new LogDecoder(1024);
        decoder.Decode(Line("2026-03-14T09:00:00Z stdout F cut short"), 0, 39, split: true, _records);

        decoder.FlushAll(_records);
        DecodeLines(decoder, _records, 39, "2026-03-14T09:00:01Z stdout F next file content");

        Assert.Equal([LogFlags.PartialFlushed, LogFlags.None], _records.Select(r => r.Flags));
        Assert.Equal("next file content", Encoding.UTF8.GetString(_records[1].Message.Span));
    }

    [Fact]
    public void Decoding_allocates_nothing_per_line_in_the_steady_state()
    {
        // ~140-byte lines (the throughput target's size), some cut into P/F or docker pieces, stdout and stderr mixed.
        foreach (var name in new[] { "throughput-cri", "throughput-docker" })
        {
            var (lines, allocated) = MeasureSteadyState(LogFixture.Bytes(name), lines: 100_000);

            Assert.True(lines >= 100_000);
            // Records are values whose bytes live in the file's pooled arena: what remains is the decoder itself and
            // now and then a 64 KiB chunk the shared pool had to make again (it trims itself on a full GC, which the
            // rest of the suite running in parallel causes): a few bytes per line on average at most, where a record
            // object, its message copy and its timestamp string took ~270 bytes per line.
            Assert.True(allocated < lines * 4L, $"{name}: {allocated} bytes allocated for {lines} lines");
        }
    }

    private static (long Lines, long Allocated) MeasureSteadyState(byte[] file, int lines)
    {
        // The file repeated in 4 KiB segments (like a pipe's), so lines straddling segments take the copy path too.
        var perCopy = file.Count(b => b == '\n');
        var copies = (lines + perCopy - 1) / perCopy;
        var data = new byte[file.Length * copies];
        for (var copy = 0; copy < copies; copy++)
        {
            file.CopyTo(data, copy * file.Length);
        }

        var first = new Segment(data[..4096]);
        var last = first;
        for (var at = 4096; at < data.Length; at += 4096)
        {
            last = last.Append(data[at..Math.Min(data.Length, at + 4096)]);
        }

        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        var records = new List<LogRecord>(capacity: 1024);

        Run(sequence, records, out _); // warm-up: JIT, pools, statics
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(sequence, records, out var framed);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return (framed, allocated);
    }

    private static void Run(ReadOnlySequence<byte> buffer, List<LogRecord> records, out long lines)
    {
        using var decoder = new LogDecoder(1024 * 1024);
        lines = 0;
        long offset = 0;
        while (NodeAgent.Tailing.LineFramer.TryReadLine(ref buffer, 1024 * 1024, out var line, out var split))
        {
            var end = offset + line.Length + (split ? 0 : 1);
            decoder.Decode(line, offset, end, split, records);
            offset = end;
            lines++;
            if (records.Count >= 512)
            {
                // As the reader does between turns: the records were sent, their bytes go back to the arena.
                records.Clear();
                decoder.Arena.Reset();
            }
        }
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
