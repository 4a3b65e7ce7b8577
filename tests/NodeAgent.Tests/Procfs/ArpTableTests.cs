using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class ArpTableTests
{
    [Fact]
    public void Entries_are_counted_per_device_whatever_their_flags()
    {
        var counts = ArpTable.CountByDevice(File.ReadAllBytes(Repository.Fixture("node", "proc", "net", "arp")));

        Assert.Equal(new Dictionary<string, int> { ["eth0"] = 2, ["bond0"] = 2 }, counts);
    }

    [Fact]
    public void A_truncated_infiniband_address_still_counts()
    {
        var content = "IP address       HW type     Flags       HW address            Mask     Device\n"u8.ToArray()
            .Concat("10.0.0.5         0x20        0x2         80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:0b:0c     *        ib0\n"u8.ToArray())
            .ToArray();

        Assert.Equal(1, ArpTable.CountByDevice(content)["ib0"]);
    }

    [Fact]
    public void A_line_with_the_wrong_number_of_columns_is_rejected() =>
        Assert.Throws<InvalidDataException>(() => ArpTable.CountByDevice("192.0.2.1 0x1 0x2 02:fc:00:00:00:05 eth0\n"u8));
}
