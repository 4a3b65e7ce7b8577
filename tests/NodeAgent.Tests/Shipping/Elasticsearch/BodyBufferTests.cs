using NodeAgent.Shipping.Elasticsearch;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

public sealed class BodyBufferTests
{
    [Fact]
    public void A_body_that_outgrows_its_start_grows_once_to_its_full_capacity_not_by_doubling()
    {
        var body = new BodyBuffer(64, 1_000);
        body.Write(new byte[60]);
        var small = body.GetMemory();
        Assert.Equal(4, small.Length);

        body.Write(new byte[10]);
        Assert.Equal(1_000 - 70, body.GetMemory().Length);

        // Past the full capacity (one document larger than the cap) it doubles, never loses what it holds.
        body.Write(new byte[1_500]);
        Assert.Equal(1_570, body.WrittenCount);
        Assert.True(body.GetMemory().Length >= 1);
    }

    [Fact]
    public void Trimmed_pools_let_their_bodies_go()
    {
        var pool = new BulkRequestPool(1 << 20);
        var request = pool.Rent();
        pool.Return(request);
        Assert.Same(request, pool.Rent());
        pool.Return(request);

        pool.Trim();

        Assert.NotSame(request, pool.Rent());
    }
}
