using CsCheck;
using NodeAgent.Delivery;
using NodeAgent.Parsing.Multiline;

namespace NodeAgent.Tests.Parsing.Multiline;

/// <summary>
/// Random mixes of whole traces, pieces of traces and ordinary lines on both streams, under random caps and flushes:
/// whatever is joined, every line is covered by exactly one record, a record's message is its lines (or a prefix of
/// them under the cap, flagged), records of a stream come in file order, and the watermark never passes a line that
/// has not been emitted (DELIVERY.md rule 2).
/// </summary>
public sealed class MultilineJoinerPropertyTests
{
    private static readonly string[][] Chunks =
    [
        .. Traces.All.Values.Select(t => t.Lines),
        .. Traces.All.Values.SelectMany(t => t.Lines).Select(line => new[] { line }),
        .. Traces.Ordinary.Select(line => new[] { line }),
        ["2026-03-14 09:00:00.001 ERROR [main] c.s.A - failed"],
        [""],
    ];

    private static readonly int[] Caps = [48, 300, 1 << 20];

    [Fact]
    public void Every_line_is_in_exactly_one_record_and_the_watermark_never_passes_a_held_line()
    {
        var chunk = Gen.Select(Gen.Int[0, Chunks.Length - 1], Gen.Int[0, 4], Gen.Int[0, 9]);
        Gen.Select(chunk.Array[1, 40], Gen.Int[0, Caps.Length - 1]).Sample((chunks, cap) => Check(chunks, Caps[cap]), iter: 300);
    }

    private static void Check((int Chunk, int Stream, int Flush)[] chunks, int cap)
    {
        using var harness = new JoinerHarness(MultilineRule.Auto, maxMessageBytes: cap, flushTimeout: TimeSpan.FromSeconds(1));
        var now = new DateTimeOffset(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);
        foreach (var (index, stream, flush) in chunks)
        {
            foreach (var line in Chunks[index])
            {
                harness.Feed(line, stream == 0 ? LogStream.Stderr : LogStream.Stdout);
                HoldsTheWatermark(harness);
            }

            if (flush < 3)
            {
                now += TimeSpan.FromSeconds(flush);
                harness.FlushStale(now);
            }
        }

        harness.FlushAll();
        var records = harness.Records;
        Assert.Null(harness.Joiner.OldestPendingStart);
        Assert.Equal(0, harness.Joiner.PendingBytes);

        var covered = new int[harness.Lines.Count];
        foreach (var record in records)
        {
            var lines = harness.Lines.Where(l => l.Stream == record.Stream && l.Start >= record.StartOffset && l.End <= record.EndOffset).ToList();
            Assert.NotEmpty(lines);
            Assert.Equal(lines[0].Start, record.StartOffset);
            Assert.Equal(lines[^1].End, record.EndOffset);
            Assert.Equal(lines[0].Timestamp, record.TimestampText);
            var joined = harness.Joined(lines[0].Index, lines[0].Index) with
            {
                Message = string.Join("\n", lines.Select(l => System.Text.Encoding.UTF8.GetString(l.Message))),
            };
            var message = ExpectedRecord.From(record).Message;
            if ((record.Flags & LogFlags.Truncated) != 0)
            {
                Assert.True(record.Message.Length <= cap, $"{record.Message.Length} bytes over the cap of {cap}");
                Assert.StartsWith(message, joined.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(joined.Message, message);
            }

            foreach (var line in lines)
            {
                covered[line.Index]++;
            }
        }

        Assert.All(covered, count => Assert.Equal(1, count));
        foreach (var stream in new[] { LogStream.Stdout, LogStream.Stderr })
        {
            var starts = records.Where(r => r.Stream == stream).Select(r => r.StartOffset).ToList();
            Assert.Equal(starts.Order(), starts);
        }
    }

    /// <summary>Every line fed and not yet in an emitted record lies at or after the oldest pending start.</summary>
    private static void HoldsTheWatermark(JoinerHarness harness)
    {
        var emittedUpTo = new Dictionary<LogStream, long>
        {
            [LogStream.Stdout] = harness.Records.Where(r => r.Stream == LogStream.Stdout).Select(r => r.EndOffset).DefaultIfEmpty(0).Max(),
            [LogStream.Stderr] = harness.Records.Where(r => r.Stream == LogStream.Stderr).Select(r => r.EndOffset).DefaultIfEmpty(0).Max(),
        };
        var held = harness.Lines.Where(l => l.End > emittedUpTo[l.Stream]).Select(l => l.Start).DefaultIfEmpty(long.MaxValue).Min();
        if (held != long.MaxValue)
        {
            Assert.True(harness.Joiner.OldestPendingStart <= held, $"the watermark may pass offset {held}: oldest pending is {harness.Joiner.OldestPendingStart}");
        }
    }
}
