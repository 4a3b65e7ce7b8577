using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

public sealed class LogRootsTests
{
    [Fact]
    public void The_defaults_add_each_include_base_and_the_pods_directory_beside_it()
    {
        Assert.Equal(
            ["/var/log/pods", "/var/log/containers", "/var/lib/docker/containers", "/x/var/log/containers", "/x/var/log/pods"],
            LogRoots.Defaults(["/var/log/containers", "/x/var/log/containers"]));
    }

    [Fact]
    public void The_reader_derives_the_defaults_from_the_include_globs_unless_the_key_is_set()
    {
        var derived = TailingHarness.Options("--Logs:Include:0=/x/var/log/containers/*.log", "--Logs:Include:1=/y/pods/**/*.log");
        Assert.Equal(
            ["/var/log/pods", "/var/log/containers", "/var/lib/docker/containers", "/x/var/log/containers", "/x/var/log/pods", "/y/pods"],
            derived.Logs.AllowedRoots);

        var configured = TailingHarness.Options("--Logs:Include:0=/x/var/log/containers/*.log", "--Logs:AllowedRoots:0=/srv/logs");
        Assert.Equal(["/srv/logs"], configured.Logs.AllowedRoots);
    }

    [Theory]
    [InlineData("/var/log/pods/ns_pod_uid/c/0.log", true)]
    [InlineData("/var/log/pods", true)]
    [InlineData("/var/log/pods-evil/x/0.log", false)]
    [InlineData("/var/log/podsx", false)]
    [InlineData("/var/log", false)]
    [InlineData("/etc/shadow", false)]
    public void Containment_is_by_whole_path_components(string path, bool contained)
    {
        Assert.Equal(contained, new LogRoots(["/var/log/pods/"]).Contains(path));
    }

    [Fact]
    public void The_root_directory_contains_everything()
    {
        Assert.True(new LogRoots(["/"]).Contains("/etc/shadow"));
    }
}
