using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class OsCollectorTests : IDisposable
{
    private readonly TempDirectory _tree = new();

    public void Dispose() => _tree.Dispose();

    private (CollectResult Result, string Text) CollectTree() =>
        CollectorHarness.Collect(new OsCollector(CollectorHarness.Context(new NodePaths(Path.Join(_tree.Path, "proc"), Path.Join(_tree.Path, "sys"), Path.Join(_tree.Path, "root")))));

    [Fact]
    public void The_hosts_os_release_through_the_etc_symlink()
    {
        var (result, text) = CollectorHarness.Collect(new OsCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_os_info A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.
            # TYPE node_os_info gauge
            node_os_info{build_id="",id="debian",id_like="",image_id="",image_version="",name="Debian GNU/Linux",pretty_name="Debian GNU/Linux 12 (bookworm)",variant="",variant_id="",version="12 (bookworm)",version_codename="bookworm",version_id="12"} 1
            # HELP node_os_version Metric containing the major.minor part of the OS version.
            # TYPE node_os_version gauge
            node_os_version{id="debian",id_like="",name="Debian GNU/Linux"} 12

            """,
            text);
    }

    [Fact]
    public void Usr_lib_is_the_fallback_and_support_end_is_a_timestamp()
    {
        _tree.Write("root/usr/lib/os-release", "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\nSUPPORT_END=2029-05-31\n");

        var samples = CollectorHarness.Samples(CollectTree().Text);

        Assert.Equal(
            [
                "node_os_info{build_id=\"\",id=\"ubuntu\",id_like=\"debian\",image_id=\"\",image_version=\"\",name=\"Ubuntu\",pretty_name=\"\",variant=\"\",variant_id=\"\",version=\"\",version_codename=\"\",version_id=\"24.04\"} 1",
                "node_os_support_end_timestamp_seconds 1.87488e+09",
                "node_os_version{id=\"ubuntu\",id_like=\"debian\",name=\"Ubuntu\"} 24.04",
            ],
            samples);
    }

    [Fact]
    public void Etc_wins_over_usr_lib_and_no_version_id_means_no_version_metric()
    {
        _tree.Write("root/etc/os-release", "NAME=Arch\nID=arch\nBUILD_ID=rolling\n");
        _tree.Write("root/usr/lib/os-release", "NAME=Other\n");

        var samples = CollectorHarness.Samples(CollectTree().Text);

        Assert.Single(samples);
        Assert.Contains("build_id=\"rolling\"", samples[0], StringComparison.Ordinal);
        Assert.Contains("name=\"Arch\"", samples[0], StringComparison.Ordinal);
    }

    [Fact]
    public void No_os_release_is_no_data() => Assert.Equal(CollectResult.NoData, CollectTree().Result);

    [Theory]
    [InlineData("NAME=\"unterminated\n")]
    [InlineData("SUPPORT_END=someday\n")]
    public void A_malformed_file_is_an_error_naming_it(string content)
    {
        _tree.Write("root/etc/os-release", content);
        var error = Assert.Throws<InvalidDataException>(() => CollectTree());
        Assert.Contains("os-release", error.Message, StringComparison.Ordinal);
    }
}
