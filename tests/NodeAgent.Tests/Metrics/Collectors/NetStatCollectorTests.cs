using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class NetStatCollectorTests
{
    private static NodePaths Tree(TempDirectory tree) => new(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

    [Fact]
    public void The_default_fields_of_all_three_files_are_exported_untyped()
    {
        var (result, text) = CollectorHarness.Collect(new NetStatCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            [
                "node_netstat_Icmp6_InErrors 1", "node_netstat_Icmp6_InMsgs 1", "node_netstat_Icmp6_OutMsgs 9",
                "node_netstat_Icmp_InErrors 0", "node_netstat_Icmp_InMsgs 1", "node_netstat_Icmp_OutMsgs 0",
                "node_netstat_Ip6_InOctets 128", "node_netstat_Ip6_OutOctets 880",
                "node_netstat_IpExt_InOctets 1.75452524e+08", "node_netstat_IpExt_OutOctets 2.883423e+06",
                "node_netstat_Ip_Forwarding 2",
                "node_netstat_TcpExt_ListenDrops 0", "node_netstat_TcpExt_ListenOverflows 0", "node_netstat_TcpExt_SyncookiesFailed 0",
                "node_netstat_TcpExt_SyncookiesRecv 0", "node_netstat_TcpExt_SyncookiesSent 0", "node_netstat_TcpExt_TCPOFOQueue 0",
                "node_netstat_TcpExt_TCPRcvQDrop 0", "node_netstat_TcpExt_TCPSynRetrans 0", "node_netstat_TcpExt_TCPTimeouts 2",
                "node_netstat_Tcp_ActiveOpens 325", "node_netstat_Tcp_CurrEstab 0", "node_netstat_Tcp_InErrs 0", "node_netstat_Tcp_InSegs 8967",
                "node_netstat_Tcp_OutRsts 239", "node_netstat_Tcp_OutSegs 7065", "node_netstat_Tcp_PassiveOpens 101", "node_netstat_Tcp_RetransSegs 9",
                "node_netstat_Udp6_InDatagrams 0", "node_netstat_Udp6_InErrors 0", "node_netstat_Udp6_NoPorts 0", "node_netstat_Udp6_OutDatagrams 0",
                "node_netstat_Udp6_RcvbufErrors 0", "node_netstat_Udp6_SndbufErrors 0", "node_netstat_UdpLite6_InErrors 0",
                "node_netstat_UdpLite_InErrors 0",
                "node_netstat_Udp_InDatagrams 72", "node_netstat_Udp_InErrors 0", "node_netstat_Udp_NoPorts 0", "node_netstat_Udp_OutDatagrams 73",
                "node_netstat_Udp_RcvbufErrors 0", "node_netstat_Udp_SndbufErrors 0",
            ],
            CollectorHarness.Samples(text));
        Assert.All(CollectorHarness.Types(text).Values, type => Assert.Equal("untyped", type));
        Assert.Contains("# HELP node_netstat_TcpExt_TCPTimeouts Statistic TcpExtTCPTimeouts.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_fields_regex_selects_other_counters()
    {
        var options = new NetStatOptions(new Regex("^(Tcp_MaxConn|IcmpMsg_.*)$"));

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new NetStatCollector(CollectorHarness.Context(), options)).Text);

        Assert.Equal(["node_netstat_IcmpMsg_InType3 1", "node_netstat_Tcp_MaxConn -1"], samples);
    }

    [Fact]
    public void Without_snmp6_the_ipv4_counters_are_still_exported()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/netstat", "TcpExt: ListenDrops\nTcpExt: 4\n");
        tree.Write("proc/net/snmp", "Udp: InErrors\nUdp: 5\n");

        var (result, text) = CollectorHarness.Collect(new NetStatCollector(CollectorHarness.Context(Tree(tree))));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(["node_netstat_TcpExt_ListenDrops 4", "node_netstat_Udp_InErrors 5"], CollectorHarness.Samples(text));
    }

    [Fact]
    public void Without_netstat_there_is_no_data()
    {
        using var empty = new TempDirectory();

        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new NetStatCollector(CollectorHarness.Context(Tree(empty)))).Result);
    }

    [Fact]
    public void A_value_that_is_not_a_number_fails_the_collector_even_outside_the_fields()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/net/netstat", "TcpExt: ListenDrops Odd\nTcpExt: 4 x\n");
        tree.Write("proc/net/snmp", "Udp: InErrors\nUdp: 5\n");

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new NetStatCollector(CollectorHarness.Context(Tree(tree)))));
        Assert.Contains("net/netstat", error.Message, StringComparison.Ordinal);
    }
}
