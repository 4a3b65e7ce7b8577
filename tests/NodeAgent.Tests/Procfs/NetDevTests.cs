using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class NetDevTests
{
    private static byte[] Fixture() => File.ReadAllBytes(Repository.Fixture("node", "proc", "net", "dev"));

    [Fact]
    public void Every_interface_line_is_read_in_file_order()
    {
        var lines = NetDev.Parse(Fixture());

        Assert.Equal(["lo", "ifb0", "ifb1", "eth0", "bond0", "eth1", "eth2"], lines.Select(l => l.Device));
    }

    [Fact]
    public void The_sixteen_columns_map_to_the_kernel_counters_in_order()
    {
        var eth1 = NetDev.Parse(Fixture()).Single(l => l.Device == "eth1");

        Assert.Equal(
            new NetDevLine("eth1", 98765432101, 4567890, 3, 12, 1, 2, 7, 5120, 1234567890, 2345678, 1, 4, 6, 8, 9, 11),
            eth1);
    }

    [Fact]
    public void A_name_glued_to_its_colon_and_counters_wider_than_their_column_parse()
    {
        var content = "Inter-| Receive | Transmit\n face |bytes|bytes\nveth0123456789:12345678901 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"u8;

        var line = Assert.Single(NetDev.Parse(content));

        Assert.Equal("veth0123456789", line.Device);
        Assert.Equal(12345678901UL, line.ReceiveBytes);
        Assert.Equal(15UL, line.TransmitCompressed);
    }

    [Theory]
    [InlineData("  eth0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16")]
    [InlineData("  eth0: 1 2 3")]
    [InlineData("  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17")]
    [InlineData("  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x")]
    public void Malformed_interface_lines_are_rejected(string line)
    {
        var content = Encoding.ASCII.GetBytes("Inter-|\n face |\n" + line + "\n");

        Assert.Throws<InvalidDataException>(() => NetDev.Parse(content));
    }
}
