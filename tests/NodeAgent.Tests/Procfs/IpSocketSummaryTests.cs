using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class IpSocketSummaryTests
{
    [Fact]
    public void Ipv4_queues_are_hex_and_summed_over_sockets()
    {
        var summary = IpSocketSummary.Parse(File.ReadAllBytes(Repository.Fixture("node", "proc", "net", "udp")));

        // tx 0x240; rx 0xA80 + 0x100.
        Assert.Equal(new IpSocketSummary(576, 2944, 3), summary);
    }

    [Fact]
    public void Ipv6_lines_parse_the_same_way()
    {
        var summary = IpSocketSummary.Parse(File.ReadAllBytes(Repository.Fixture("node", "proc", "net", "udp6")));

        Assert.Equal(new IpSocketSummary(128, 768, 2), summary);
    }

    [Fact]
    public void A_header_alone_is_zero_sockets() =>
        Assert.Equal(default, IpSocketSummary.Parse("  sl  local_address rem_address   st tx_queue rx_queue tr\n"u8));

    [Theory]
    [InlineData("0: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000")]
    [InlineData("0: 00000000:0044 00000000:0000 07 0000000000000000 00:00000000 00000000 0 0 1 2")]
    [InlineData("0: 00000000:0044 00000000:0000 07 0000000g:00000000 00:00000000 00000000 0 0 1 2")]
    public void Malformed_socket_lines_are_rejected(string line) =>
        Assert.Throws<InvalidDataException>(() => IpSocketSummary.Parse(Encoding.ASCII.GetBytes("header\n" + line + "\n")));
}
