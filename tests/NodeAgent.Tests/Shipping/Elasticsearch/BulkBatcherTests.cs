using NodeAgent.Delivery;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

public sealed class BulkBatcherTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 15, 0, TimeSpan.Zero);
    private readonly List<BulkRequest> _complete = [];

    private BulkBatcher Batcher(long maxBytes = 1 << 20, IndexPattern? pattern = null) => new(maxBytes, TimeSpan.FromSeconds(1), pattern, _complete.Add);

    private static void NeverUnencodable(LogBatch batch, LogRecord record, string reason) => Assert.Fail($"unexpected: {reason}");

    [Fact]
    public void A_body_is_complete_once_it_reaches_the_size_and_the_next_record_starts_another()
    {
        var batcher = Batcher(maxBytes: 3_000);
        var added = batcher.Add(TestBatches.Of(new AckWatermark(), 0, [.. Enumerable.Range(0, 10).Select(i => $"line {i}")]), Now, NeverUnencodable);

        var first = Assert.Single(_complete);
        Assert.InRange(first.Bytes, 3_000, 4_000);
        Assert.True(first.Count < 10);
        batcher.Flush(Now, force: true);
        Assert.Equal(2, _complete.Count);
        Assert.Equal(10, _complete.Sum(r => r.Count));
        Assert.Equal(added, _complete.Sum(r => (long)r.Bytes));
    }

    [Fact]
    public void A_partial_body_waits_for_the_flush_interval_unless_forced()
    {
        var batcher = Batcher();
        batcher.Add(TestBatches.Of(new AckWatermark(), 0, "one"), Now, NeverUnencodable);

        batcher.Flush(Now.AddMilliseconds(999), force: false);
        Assert.Empty(_complete);
        batcher.Flush(Now.AddSeconds(1), force: false);
        Assert.Single(_complete);
        batcher.Flush(Now.AddSeconds(5), force: true);
        Assert.Single(_complete);
    }

    [Fact]
    public void A_record_that_cannot_be_encoded_is_reported_and_the_others_are_kept()
    {
        var batcher = Batcher(pattern: IndexPattern.TryParse("app-%{+yyyy.MM.dd}"));
        var acks = new AckWatermark();
        var batch = TestBatches.Of(acks, 0, "good", "bad date", "good too");
        batch = batch with { Records = [batch.Records[0], batch.Records[1] with { Timestamp = "0000-01-01T00:00:00Z"u8.ToArray() }, batch.Records[2]] };
        var refused = new List<long>();

        batcher.Add(batch, Now, (_, record, _) => refused.Add(record.StartOffset));
        batcher.Flush(Now, force: true);

        Assert.Equal([100L], refused);
        Assert.Equal([0L, 200L], Assert.Single(_complete).Items.Select(i => i.StartOffset));
    }

    [Fact]
    public void A_returned_body_is_rented_again_empty()
    {
        var batcher = Batcher();
        batcher.Add(TestBatches.Of(new AckWatermark(), 0, "x"), Now, NeverUnencodable);
        batcher.Flush(Now, force: true);
        var body = Assert.Single(_complete);

        batcher.Return(body);
        var again = batcher.Rent();
        Assert.Same(body, again);
        Assert.Equal(0, again.Count);
        Assert.Equal(0, again.Bytes);
    }
}
