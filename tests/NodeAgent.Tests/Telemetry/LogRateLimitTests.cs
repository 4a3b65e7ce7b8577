using NodeAgent.Telemetry;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Telemetry;

/// <summary>Issue 11, point 1: a warning a log line can cause is said at most once per interval per kind, with the
/// number left unsaid, so a shipped line can never make the agent log a line per line.</summary>
public sealed class LogRateLimitTests
{
    [Fact]
    public void One_line_per_kind_per_interval_with_the_count_of_those_left_unsaid()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var limit = new LogRateLimit(time, TimeSpan.FromMinutes(1));

        Assert.True(limit.ShouldLog("dead_lettered", out var first));
        var said = Enumerable.Range(0, 1000).Count(_ => limit.ShouldLog("dead_lettered", out long _));
        Assert.True(limit.ShouldLog("json_refused", out _));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limit.ShouldLog("dead_lettered", out var unsaid));

        Assert.Equal(0, first);
        Assert.Equal(0, said);
        Assert.Equal(1000, unsaid);
    }
}
