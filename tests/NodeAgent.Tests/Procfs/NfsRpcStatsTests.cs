using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class NfsRpcStatsTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(CollectorHarness.FixtureNode.Proc, "net", "rpc", name));

    [Fact]
    public void Client_file_fills_every_line()
    {
        Assert.True(NfsRpcStats.TryParseClient(Fixture("nfs"), out var stats));
        Assert.Equal([70UL, 70, 69, 45], stats.Network);
        Assert.Equal([1218785755UL, 374636, 1218815394], stats.Rpc);
        Assert.Equal(16UL, stats.V2[0]);
        Assert.Equal(82UL, stats.V2[17]);
        Assert.Equal(1061909262UL, stats.V3[Array.IndexOf(NfsRpcStats.V3Procedures, "GetAttr")]);
        Assert.Equal(23729UL, stats.V3[21]);

        // proc4 61 1 11 21 ...: value i (1-based) is 10*(i-1)+1; procfs maps the 59 it knows and ignores the rest.
        // The 45th is LAYOUTGET and the 46th GETDEVICEINFO, as include/linux/nfs4.h numbers them (procfs 0.17.0
        // and later swap these two).
        Assert.Equal(1UL, stats.V4[0]);
        Assert.Equal(441UL, stats.V4[Array.IndexOf(NfsRpcStats.ClientV4Procedures, "LayoutGet")]);
        Assert.Equal(451UL, stats.V4[Array.IndexOf(NfsRpcStats.ClientV4Procedures, "GetDeviceInfo")]);
        Assert.Equal(581UL, stats.V4[^1]);
    }

    [Fact]
    public void Short_client_v4_lines_of_older_kernels_leave_the_rest_zero()
    {
        Assert.True(NfsRpcStats.TryParseClient("proc4 3 7 8 9\n"u8, out var stats));
        Assert.Equal([7UL, 8, 9], stats.V4[..3]);
        Assert.All(stats.V4[3..], v => Assert.Equal(0UL, v));
        Assert.All(stats.V3, v => Assert.Equal(0UL, v));
    }

    [Fact]
    public void Server_file_fills_every_line_and_ignores_the_thread_histogram()
    {
        Assert.True(NfsRpcStats.TryParseServer(Fixture("nfsd"), out var stats));
        Assert.Equal([0UL, 6, 18622], stats.ReplyCache);
        Assert.Equal([157286400UL, 72864], stats.InputOutput);
        Assert.Equal([8UL, 0], stats.Threads);
        Assert.Equal(32UL, stats.ReadAheadCache[0]);
        Assert.Equal([18628UL, 3, 1, 2, 0], stats.Rpc);
        Assert.Equal([2UL, 10853], stats.V4);
        Assert.Equal(103UL, stats.V4Ops[Array.IndexOf(NfsRpcStats.ServerV4Operations, "Access")]);
        Assert.Equal(139UL, stats.V4Ops[Array.IndexOf(NfsRpcStats.ServerV4Operations, "RelLockOwner")]);
        Assert.Equal(15UL, stats.WdelegGetattr[0]);
    }

    [Fact]
    public void Old_kernels_without_release_lockowner_have_39_operations()
    {
        var line = "proc4ops 39 " + string.Join(' ', Enumerable.Range(1, 39)) + "\n";
        Assert.True(NfsRpcStats.TryParseServer(Encoding.ASCII.GetBytes(line), out var stats));
        Assert.Equal(39UL, stats.V4Ops[38]);
        Assert.Equal(0UL, stats.V4Ops[39]);
    }

    [Theory]
    [InlineData("net 1 2 3\n")]
    [InlineData("rpc 1 2 3 4\n")]
    [InlineData("proc3 22 1 2\n")]
    [InlineData("proc2 2 1 2\n")]
    [InlineData("proc4 2 1 x\n")]
    [InlineData("unknown 1\n")]
    [InlineData("net\n")]
    [InlineData("net 1 2 3 4\n\nrpc 1 2 3\n")]
    public void Malformed_client_lines_are_rejected(string content) =>
        Assert.False(NfsRpcStats.TryParseClient(Encoding.ASCII.GetBytes(content), out _));

    [Theory]
    [InlineData("th 8\n")]
    [InlineData("rc 1 2\n")]
    [InlineData("proc4 3 1 2 3\n")]
    [InlineData("proc4ops 3 1 2 3\n")]
    [InlineData("io 1 -2\n")]
    [InlineData("proc1 1 0\n")]
    public void Malformed_server_lines_are_rejected(string content) =>
        Assert.False(NfsRpcStats.TryParseServer(Encoding.ASCII.GetBytes(content), out _));
}
