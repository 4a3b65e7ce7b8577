using System.Text;
using NodeAgent.Netlink;

namespace NodeAgent.Tests.Netlink;

public sealed class QdiscFixtureTests
{
    [Fact]
    public void Fields_match_without_case_and_absent_ones_are_zero()
    {
        var qdiscs = QdiscFixture.Parse(Encoding.UTF8.GetBytes(
            """[{"IfaceName": "wlan0", "Bytes": 42, "packets": 41, "Kind": "fq", "Drops": 1, "Unknown": [1]}, {"ifacename": "eth0", "Parent": 65537, "Qlen": 3, "Backlog": 4, "Overlimits": 5, "Requeues": 6}]"""));

        Assert.Equal(2, qdiscs.Count);
        Assert.Equal(("wlan0", "fq", 0u, 42ul, 41ul, 1ul), (qdiscs[0].Interface, qdiscs[0].Kind, qdiscs[0].Parent, qdiscs[0].Bytes, qdiscs[0].Packets, qdiscs[0].Drops));
        Assert.Equal(("eth0", "", 65537u, 3ul, 4ul, 5ul, 6ul),
            (qdiscs[1].Interface, qdiscs[1].Kind, qdiscs[1].Parent, qdiscs[1].QueueLength, qdiscs[1].Backlog, qdiscs[1].Overlimits, qdiscs[1].Requeues));
    }

    [Theory]
    [InlineData("""[{"Bytes": "many"}]""")]
    [InlineData("""[{"Packets": 4294967296}]""")]
    [InlineData("""[{"Drops": -1}]""")]
    [InlineData("""{"IfaceName": "eth0"}""")]
    [InlineData("""[{"IfaceName": 3}]""")]
    [InlineData("""[{""")]
    public void A_value_go_would_refuse_is_an_error(string json) =>
        Assert.Throws<InvalidDataException>(() => QdiscFixture.Parse(Encoding.UTF8.GetBytes(json)));
}
