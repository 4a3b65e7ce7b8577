using System.Net;
using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class IpvsTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Repository.Fixture("node", "proc", "net", name));

    [Fact]
    public void Stats_come_from_the_totals_line_in_hex()
    {
        var stats = IpvsStats.Parse(Fixture("ip_vs_stats"));

        Assert.Equal(new IpvsStats(0x16AA370, 0xE33656E5, 0, 0x51D8C8883A, 0), stats);
    }

    [Theory]
    [InlineData("a\nb\n")]
    [InlineData("a\nb\n1 2 3 4\n")]
    [InlineData("a\nb\n1 2 3 4 z\n")]
    public void Malformed_stats_are_rejected(string content) =>
        Assert.Throws<InvalidDataException>(() => IpvsStats.Parse(Encoding.ASCII.GetBytes(content)));

    [Fact]
    public void Backends_carry_their_service_and_decoded_addresses()
    {
        var backends = IpvsBackend.Parse(Fixture("ip_vs"));

        Assert.Equal(15, backends.Count);
        Assert.Equal(new IpvsBackend("TCP", "192.168.0.22", 3306, "", "192.168.82.22", 3306, 100, 248, 2), backends[0]);
        Assert.Equal(new IpvsBackend("TCP", "2620::1", 80, "", "2620::2", 80, 1, 1, 4), backends[10]);
        Assert.Equal(new IpvsBackend("UDP", "192.168.0.55", 53, "", "192.168.50.21", 53, 1, 0, 3), backends[11]);
        Assert.Equal(new IpvsBackend("FWM", "", 0, "10001000", "192.168.50.21", 3306, 10, 1, 0), backends[12]);
    }

    [Fact]
    public void Backends_of_an_unknown_protocol_stay_with_the_previous_service()
    {
        var content = "TCP  0A000001:0050 rr\n  -> 0A000002:0050 Masq 1 2 3\nSCTP  0A000009:0050 rr\n  -> 0A000003:0050 Masq 1 0 0\n"u8;

        var backends = IpvsBackend.Parse(content);

        Assert.All(backends, b => Assert.Equal("10.0.0.1", b.LocalAddress));
        Assert.Equal(2, backends.Count);
    }

    [Theory]
    [InlineData("TCP  0A0000:0050 rr\n")]
    [InlineData("TCP  0A000001:0050 rr\n  -> 0A000002:0050 Masq x 2 3\n")]
    [InlineData("TCP  [zz]:0050 rr\n")]
    public void Malformed_backends_are_rejected(string content) =>
        Assert.Throws<InvalidDataException>(() => IpvsBackend.Parse(Encoding.ASCII.GetBytes(content)));

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    [InlineData("::10.1.2.3", "::a01:203")]
    [InlineData("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]
    [InlineData("fe80::1%2", "fe80::1")]
    [InlineData("::", "::")]
    [InlineData("0:0:1:0:0:0:0:0", "0:0:1::")]
    public void Addresses_are_formatted_as_go_does(string address, string expected) =>
        Assert.Equal(expected, IpvsBackend.GoIpString(new IPAddress(IPAddress.Parse(address).GetAddressBytes())));
}
