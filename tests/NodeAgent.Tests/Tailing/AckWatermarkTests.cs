using CsCheck;
using NodeAgent.Delivery;

namespace NodeAgent.Tests.Tailing;

public sealed class AckWatermarkTests
{
    [Fact]
    public void A_new_watermark_starts_where_reading_starts()
    {
        var acks = new AckWatermark();
        Assert.Equal(0, acks.Committed);

        acks.Reading(null, 4096);

        Assert.Equal(4096, acks.Committed);
        Assert.Equal(0, acks.Unacknowledged);
        Assert.Equal(-1, acks.OldestUnacknowledgedStart);
    }

    [Fact]
    public void The_watermark_stops_at_the_first_unacknowledged_record()
    {
        var acks = new AckWatermark();
        acks.Register(0, 10);
        acks.Register(10, 25);
        acks.Register(25, 40);
        acks.Reading(null, 40);
        Assert.Equal(0, acks.Committed);

        Assert.True(acks.Acknowledge(10));
        Assert.True(acks.Acknowledge(25));
        Assert.Equal(0, acks.Committed);
        Assert.Equal(1, acks.Unacknowledged);
        Assert.Equal(0, acks.OldestUnacknowledgedStart);

        Assert.True(acks.Acknowledge(0));
        Assert.Equal(40, acks.Committed);
        Assert.Equal(0, acks.Unacknowledged);
    }

    [Fact]
    public void A_watermark_emptied_after_a_burst_keeps_working()
    {
        // A burst grows the entries array; once everything is acknowledged, Reading gives it back (an idle file keeps
        // no burst-sized array) and later records are tracked as before.
        var acks = new AckWatermark();
        for (var i = 0; i < 500; i++)
        {
            acks.Register(i * 10, (i + 1) * 10);
        }

        acks.Reading(null, 5000);
        for (var i = 499; i >= 0; i--)
        {
            Assert.True(acks.Acknowledge(i * 10));
        }

        acks.Reading(null, 5000);
        Assert.Equal(5000, acks.Committed);

        acks.Register(5000, 5010);
        acks.Register(5010, 5020);
        acks.Reading(null, 5020);
        Assert.Equal(5000, acks.Committed);
        Assert.True(acks.Acknowledge(5010));
        Assert.Equal(5000, acks.Committed);
        Assert.True(acks.Acknowledge(5000));
        Assert.Equal(5020, acks.Committed);
        Assert.Equal(0, acks.Unacknowledged);
    }

    [Fact]
    public void The_last_acknowledgement_gives_a_bursts_array_back_without_waiting_for_the_next_read()
    {
        // During a backlog over many files, a file whose records are all delivered may not be read again for a while
        // (the budget is full): it must not keep the array its burst needed meanwhile.
        var acks = new AckWatermark();
        var small = acks.Capacity;
        for (var i = 0; i < 300; i++)
        {
            acks.Register(i * 10, (i + 1) * 10);
        }

        acks.Reading(null, 3000);
        Assert.True(acks.Capacity >= 300);
        for (var i = 0; i < 300; i++)
        {
            Assert.True(acks.Acknowledge(i * 10));
        }

        Assert.Equal(small, acks.Capacity);
        Assert.Equal(3000, acks.Committed);
    }

    [Fact]
    public void A_joined_partial_message_holds_the_watermark_at_its_first_piece()
    {
        // stdout P at 0, stderr F at 30, stdout F at 60: the stderr line is emitted first, the joined stdout message
        // (0..90) after it.
        var acks = new AckWatermark();
        acks.Reading(0, 30);
        acks.Register(30, 60);
        acks.Reading(0, 60);
        Assert.True(acks.Acknowledge(30));
        Assert.Equal(0, acks.Committed);

        acks.Register(0, 90);
        acks.Reading(null, 90);
        Assert.Equal(0, acks.Committed);
        Assert.Equal(0, acks.OldestUnacknowledgedStart);

        Assert.True(acks.Acknowledge(0));
        Assert.Equal(90, acks.Committed);
    }

    [Fact]
    public void A_pending_partial_message_alone_holds_the_watermark()
    {
        var acks = new AckWatermark();
        acks.Register(0, 10);
        acks.Acknowledge(0);
        acks.Reading(10, 50);

        Assert.Equal(10, acks.Committed);
        Assert.Equal(-1, acks.OldestUnacknowledgedStart);
    }

    [Fact]
    public void Unknown_or_repeated_acknowledgements_change_nothing()
    {
        var acks = new AckWatermark();
        acks.Register(0, 10);
        acks.Register(10, 20);
        acks.Reading(null, 20);

        Assert.False(acks.Acknowledge(5));
        Assert.True(acks.Acknowledge(10));
        Assert.False(acks.Acknowledge(10));
        Assert.Equal(0, acks.Committed);
        Assert.Equal(1, acks.Unacknowledged);
    }

    [Fact]
    public void Misuse_is_refused()
    {
        var acks = new AckWatermark();
        acks.Register(0, 10);
        acks.Reading(null, 10);

        Assert.Throws<InvalidOperationException>(() => acks.Register(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => acks.Register(20, 19));
        Assert.Throws<ArgumentOutOfRangeException>(() => acks.Reading(null, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => acks.Reading(30, 20));
        Assert.Equal(0, acks.Committed);
    }

    [Fact]
    public void Many_records_acknowledged_in_random_order_end_at_the_framed_offset()
    {
        var acks = new AckWatermark();
        const int Count = 20_000;
        for (var i = 0; i < Count; i++)
        {
            acks.Register(i * 100L, (i * 100L) + 100);
        }

        acks.Reading(null, Count * 100L);
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(42).Shuffle(order);
        var acknowledged = new bool[Count];
        var lowest = 0;
        var previous = 0L;
        foreach (var i in order)
        {
            Assert.True(acks.Acknowledge(i * 100L));
            acknowledged[i] = true;
            while (lowest < Count && acknowledged[lowest])
            {
                lowest++;
            }

            var committed = acks.Committed;
            Assert.Equal(lowest * 100L, committed);
            Assert.True(committed >= previous);
            previous = committed;
        }

        Assert.Equal(0, acks.Unacknowledged);
    }

    [Fact]
    public void Random_reads_partial_lines_and_acknowledgements_never_pass_an_unacknowledged_line()
    {
        // A file of physical lines (stream, partial flag, length); actions interleave framing the next line,
        // acknowledging one outstanding record, and flushing the held partial messages (the partial timeout).
        var lines = Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Int[1, 40]).Array[0, 60];
        var actions = Gen.Int[0, 99].Array[0, 300];

        Gen.Select(lines, actions).Sample((file, steps) =>
        {
            var model = new Model(file);
            foreach (var step in steps)
            {
                model.Step(step);
            }

            model.Finish();
        }, iter: 3000);
    }

    [Fact]
    public async Task Concurrent_acknowledgements_keep_the_watermark_monotonic_and_honest()
    {
        const int Count = 40_000;
        var acks = new AckWatermark();
        for (var i = 0; i < Count; i++)
        {
            acks.Register(i * 10L, (i * 10L) + 10);
        }

        acks.Reading(null, Count * 10L);
        var acknowledged = new int[Count];
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(7).Shuffle(order);
        var violations = 0;
        var done = 0;

        var reader = Task.Run(() =>
        {
            var previous = 0L;
            while (Volatile.Read(ref done) == 0)
            {
                var committed = acks.Committed;
                // Every record before the watermark was acknowledged (its flag is set before Acknowledge is called).
                var below = (int)(committed / 10);
                if (committed < previous || (below > 0 && Volatile.Read(ref acknowledged[below - 1]) == 0))
                {
                    Interlocked.Increment(ref violations);
                }

                previous = committed;
            }
        });

        Parallel.For(0, 4, worker =>
        {
            for (var k = worker; k < Count; k += 4)
            {
                var i = order[k];
                Volatile.Write(ref acknowledged[i], 1);
                Assert.True(acks.Acknowledge(i * 10L));
            }
        });

        Volatile.Write(ref done, 1);
        await reader;

        Assert.Equal(0, violations);
        Assert.Equal(Count * 10L, acks.Committed);
        Assert.Equal(0, acks.Unacknowledged);
    }

    /// <summary>A reader with a CRI-style merger over two streams, the watermark under test, and the oracle.</summary>
    private sealed class Model((bool Stderr, int Kind, int Length)[] lines)
    {
        private readonly AckWatermark _acks = new();
        private readonly List<long> _outstanding = [];
        private readonly long?[] _pendingStart = new long?[2];
        private readonly long[] _pendingEnd = new long[2];
        private int _next;
        private long _framed;
        private long _previous;

        public void Step(int action)
        {
            if (action < 50)
            {
                FrameNext();
            }
            else if (action < 92)
            {
                if (_outstanding.Count > 0)
                {
                    Acknowledge(_outstanding[action % _outstanding.Count]);
                }
            }
            else
            {
                FlushPartials();
            }

            Check();
        }

        public void Finish()
        {
            while (_next < lines.Length)
            {
                FrameNext();
                Check();
            }

            FlushPartials();
            Check();
            while (_outstanding.Count > 0)
            {
                Acknowledge(_outstanding[_outstanding.Count / 2]);
                Check();
            }

            Assert.Equal(lines.Sum(l => (long)l.Length), _acks.Committed);
            Assert.Equal(0, _acks.Unacknowledged);
            Assert.Equal(-1, _acks.OldestUnacknowledgedStart);
        }

        private void FrameNext()
        {
            if (_next == lines.Length)
            {
                return;
            }

            var (stderr, kind, length) = lines[_next++];
            var stream = stderr ? 1 : 0;
            var start = _framed;
            _framed += length;
            // Kind 0 is a CRI "P" piece: held until its stream's "F" line (or the timeout); 1..3 are "F" lines.
            if (kind == 0)
            {
                _pendingStart[stream] ??= start;
                _pendingEnd[stream] = _framed;
            }
            else if (_pendingStart[stream] is { } first)
            {
                _pendingStart[stream] = null;
                Register(first, _framed);
            }
            else
            {
                Register(start, _framed);
            }

            Report();
        }

        private void FlushPartials()
        {
            for (var stream = 0; stream < 2; stream++)
            {
                if (_pendingStart[stream] is { } first)
                {
                    _pendingStart[stream] = null;
                    Register(first, _pendingEnd[stream]);
                }
            }

            Report();
        }

        private void Register(long start, long end)
        {
            _acks.Register(start, end);
            _outstanding.Add(start);
        }

        private void Acknowledge(long start)
        {
            Assert.True(_acks.Acknowledge(start));
            _outstanding.Remove(start);
        }

        private void Report()
        {
            long? oldest = _pendingStart[0] is { } a && _pendingStart[1] is { } b ? Math.Min(a, b) : _pendingStart[0] ?? _pendingStart[1];
            _acks.Reading(oldest, _framed);
        }

        private void Check()
        {
            var committed = _acks.Committed;
            var expected = _outstanding.Concat(_pendingStart.OfType<long>()).Append(_framed).Min();
            Assert.Equal(expected, committed);
            Assert.All(_outstanding, start => Assert.True(committed <= start, $"committed {committed} passed the unacknowledged record at {start}"));
            Assert.True(committed >= _previous, $"committed went back from {_previous} to {committed}");
            Assert.Equal(_outstanding.Count, _acks.Unacknowledged);
            Assert.Equal(_outstanding.Count == 0 ? -1 : _outstanding.Min(), _acks.OldestUnacknowledgedStart);
            _previous = committed;
        }
    }
}
