using NodeAgent.Remote;

namespace NodeAgent.Tests.Remote;

public sealed class BackoffTests
{
    [Fact]
    public void Waits_grow_with_full_jitter_up_to_the_cap()
    {
        var random = new Random(1);
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var ceiling = Math.Min(Backoff.Cap.TotalMilliseconds, Backoff.Base.TotalMilliseconds * Math.Pow(2, attempt));
            var waits = Enumerable.Range(0, 200).Select(_ => Backoff.Delay(attempt, random: random).TotalMilliseconds).ToList();

            Assert.All(waits, w => Assert.InRange(w, 0, ceiling));
            // Full jitter: spread over the whole range, not bunched at the ceiling.
            Assert.InRange(waits.Average(), ceiling * 0.35, ceiling * 0.65);
        }
    }

    [Fact]
    public void Retry_after_is_honoured_but_clamped()
    {
        Assert.True(Backoff.Delay(0, TimeSpan.FromSeconds(5)) >= TimeSpan.FromSeconds(5));
        Assert.Equal(Backoff.Cap, Backoff.Delay(0, TimeSpan.FromHours(1)));
    }
}
