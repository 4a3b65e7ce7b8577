using NodeAgent.Telemetry;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Telemetry;

public sealed class AgentHealthTests
{
    [Fact]
    public void A_loop_that_stops_beating_makes_the_agent_unhealthy()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var health = new AgentHealth(time);
        health.Beat("tailer", TimeSpan.FromSeconds(30));
        Assert.Empty(health.StalledLoops());

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(["tailer: no progress for 31s"], health.StalledLoops());

        health.Beat("tailer", TimeSpan.FromSeconds(30));
        Assert.Empty(health.StalledLoops());
    }

    [Fact]
    public void Readiness_lists_every_reason_until_cleared()
    {
        var health = new AgentHealth(TimeProvider.System);
        health.NotReady("output", "connection refused");
        health.NotReady("config", "reloading");
        Assert.Equal(["config: reloading", "output: connection refused"], health.NotReadyReasons());
        health.Ready("output");
        health.Ready("config");
        Assert.Empty(health.NotReadyReasons());
    }
}
