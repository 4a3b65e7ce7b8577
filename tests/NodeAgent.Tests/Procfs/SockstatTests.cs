using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class SockstatTests
{
    [Fact]
    public void The_ipv4_file_has_used_sockets_and_optional_keys_per_protocol()
    {
        var stat = Sockstat.Parse(File.ReadAllBytes(Repository.Fixture("node", "proc", "net", "sockstat")));

        Assert.Equal(14, stat.Used);
        Assert.Equal(["TCP", "UDP", "UDPLITE", "RAW", "FRAG"], stat.Protocols.Select(p => p.Protocol));
        Assert.Equal(new SockstatProtocol("TCP", 2, 0, 1, 2, 0, null), stat.Protocols[0]);
        Assert.Equal(new SockstatProtocol("UDP", 0, null, null, null, 0, null), stat.Protocols[1]);
        Assert.Equal(new SockstatProtocol("FRAG", 0, null, null, null, null, 0), stat.Protocols[4]);
    }

    [Fact]
    public void The_ipv6_file_has_no_used_sockets()
    {
        var stat = Sockstat.Parse(File.ReadAllBytes(Repository.Fixture("node", "proc", "net", "sockstat6")));

        Assert.Null(stat.Used);
        Assert.Equal(["TCP6", "UDP6", "UDPLITE6", "RAW6", "FRAG6"], stat.Protocols.Select(p => p.Protocol));
    }

    [Fact]
    public void A_line_without_inuse_reports_zero_in_use()
    {
        var stat = Sockstat.Parse("TCP: mem 7\n"u8);

        Assert.Equal(new SockstatProtocol("TCP", 0, null, null, null, 7, null), Assert.Single(stat.Protocols));
    }

    [Theory]
    [InlineData("TCP: inuse\n")]
    [InlineData("TCP: inuse x\n")]
    [InlineData("TCP:\n")]
    [InlineData("TCP inuse 1\n")]
    public void Malformed_lines_are_rejected(string content) =>
        Assert.Throws<InvalidDataException>(() => Sockstat.Parse(Encoding.ASCII.GetBytes(content)));
}
