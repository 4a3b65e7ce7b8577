using System.IO.Compression;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Shipping.Elasticsearch;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

/// <summary>A body built compressed holds gzip bytes; on the wire and when inflated it is exactly the NDJSON the
/// uncompressed build writes, and its items' offsets point into that NDJSON.</summary>
public sealed class CompressedBulkRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 15, 0, TimeSpan.Zero);

    private static (BulkRequest Plain, BulkRequest Compressed) Both(int lines)
    {
        var messages = Enumerable.Range(0, lines).Select(i => $"line {i} " + new string('x', i % 300)).ToArray();
        var plain = new BulkRequest();
        var compressed = new BulkRequest(compress: true);
        foreach (var request in new[] { plain, compressed })
        {
            var batch = TestBatches.Of(new AckWatermark(), 0, messages);
            foreach (var record in batch.Records)
            {
                Assert.Null(request.TryAdd(batch, record, Now));
            }
        }

        return (plain, compressed);
    }

    private static byte[] Gunzip(ReadOnlyMemory<byte> gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip.ToArray()), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    [Fact]
    public void The_wire_bytes_inflate_to_the_same_ndjson_and_are_far_smaller()
    {
        var (plain, compressed) = Both(2_000);

        Assert.True(compressed.IsCompressed);
        Assert.Equal(plain.Bytes, compressed.Bytes);
        var wire = compressed.Wire;
        Assert.Equal(plain.Body.ToArray(), Gunzip(wire));
        Assert.True(wire.Length * 5 < plain.Bytes, $"{wire.Length} gzip bytes for {plain.Bytes} of NDJSON");
        Assert.Equal(plain.Body.ToArray(), compressed.Body.ToArray());
    }

    [Fact]
    public void Items_point_into_the_ndjson_and_can_be_sent_again_alone()
    {
        var (plain, compressed) = Both(1_500);
        Assert.Equal(plain.Items.Select(i => (i.BodyStart, i.BodyLength)), compressed.Items.Select(i => (i.BodyStart, i.BodyLength)));

        var again = new BulkRequest(compress: true);
        again.AddAgain(compressed.Items[1_234], compressed.Body.Span, Now);
        var line = Encoding.UTF8.GetString(Gunzip(again.Wire));
        Assert.Contains("\"message\":\"line 1234 ", line, StringComparison.Ordinal);
        Assert.Equal(compressed.Items[1_234].BodyLength, again.Bytes);
    }

    [Fact]
    public void A_sealed_body_takes_nothing_more_until_cleared()
    {
        var (_, compressed) = Both(3);
        _ = compressed.Wire;
        var batch = TestBatches.Of(new AckWatermark(), 1_000, "late");

        Assert.Throws<InvalidOperationException>(() => compressed.TryAdd(batch, batch.Records[0], Now));
        compressed.Clear();
        Assert.Null(compressed.TryAdd(batch, batch.Records[0], Now));
        Assert.Contains("late", Encoding.UTF8.GetString(Gunzip(compressed.Wire)), StringComparison.Ordinal);
    }
}
