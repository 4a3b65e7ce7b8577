using NodeAgent.Hosting.Web;

namespace NodeAgent.Tests.Hosting.Web;

/// <summary>rate_limit as Go's rate.Limiter.Allow: a full bucket of <c>burst</c> at start, one token per interval.</summary>
public sealed class TokenBucketTests
{
    [Fact]
    public void A_burst_goes_through_then_one_request_per_interval()
    {
        var time = new SteppedClock();
        var bucket = new TokenBucket(new RateLimitConfig(TimeSpan.FromSeconds(1), 2), time);

        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(bucket.TryTake());
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
    }

    [Fact]
    public void A_burst_of_zero_lets_nothing_through()
    {
        var time = new SteppedClock();
        var bucket = new TokenBucket(new RateLimitConfig(TimeSpan.FromSeconds(1), 0), time);
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(bucket.TryTake());
    }
}

/// <summary>A monotonic clock (<see cref="TimeProvider.GetTimestamp"/>) the test moves by hand.</summary>
internal sealed class SteppedClock : TimeProvider
{
    private long _ticks = TimeSpan.TicksPerDay;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
