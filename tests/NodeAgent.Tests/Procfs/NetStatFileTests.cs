using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class NetStatFileTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Repository.Fixture("node", "proc", "net", name));

    [Fact]
    public void Netstat_pairs_header_and_value_lines_per_protocol()
    {
        var values = NetStatFile.ParseTables(Fixture("netstat"));

        Assert.Equal(["TcpExt", "IpExt", "MPTcpExt"], values.Select(v => v.Protocol).Distinct());
        Assert.Contains(new NetStatValue("IpExt", "InOctets", 175452524), values);
        Assert.Contains(new NetStatValue("TcpExt", "TCPTimeouts", 2), values);
    }

    [Fact]
    public void Snmp_keeps_negative_values()
    {
        var values = NetStatFile.ParseTables(Fixture("snmp"));

        Assert.Contains(new NetStatValue("Tcp", "MaxConn", -1), values);
        Assert.Contains(new NetStatValue("Ip", "Forwarding", 2), values);
        Assert.Contains(new NetStatValue("IcmpMsg", "InType3", 1), values);
    }

    [Fact]
    public void Snmp6_splits_the_protocol_after_its_first_six()
    {
        var values = NetStatFile.ParseSnmp6(Fixture("snmp6"));

        Assert.Contains(new NetStatValue("Ip6", "InOctets", 128), values);
        Assert.Contains(new NetStatValue("Icmp6", "OutMsgs", values.Single(v => v.Protocol == "Icmp6" && v.Field == "OutMsgs").Value), values);
        Assert.Equal(["Ip6", "Icmp6", "Udp6", "UdpLite6"], values.Select(v => v.Protocol).Distinct());
        Assert.Equal(File.ReadAllLines(Repository.Fixture("node", "proc", "net", "snmp6")).Length, values.Count);
    }

    [Fact]
    public void Snmp6_rows_without_a_six_or_a_value_are_skipped()
    {
        var values = NetStatFile.ParseSnmp6("Ip6InReceives 5\nOdd 3\nIp6OutRequests\n\n"u8);

        Assert.Equal([new NetStatValue("Ip6", "InReceives", 5)], values);
    }

    [Theory]
    [InlineData("Tcp: A B\nTcp: 1\n")]
    [InlineData("Tcp: A\nTcp: x\n")]
    [InlineData("Tcp: A\n")]
    [InlineData("Tcp: A\nUdp: 1\n")]
    public void Malformed_tables_are_rejected(string content) =>
        Assert.Throws<InvalidDataException>(() => NetStatFile.ParseTables(Encoding.ASCII.GetBytes(content)));

    [Fact]
    public void A_non_numeric_snmp6_value_is_rejected() =>
        Assert.Throws<InvalidDataException>(() => NetStatFile.ParseSnmp6("Ip6InReceives abc\n"u8));
}
