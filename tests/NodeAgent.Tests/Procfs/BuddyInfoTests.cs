using System.Text;
using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class BuddyInfoTests
{
    [Fact]
    public void Node_and_zone_lose_their_commas_and_counts_keep_their_order()
    {
        var zones = BuddyInfo.Parse("Node 0, zone      DMA      1      0      3 \nNode 1, zone   Normal   4381   1093    185 \n"u8);

        Assert.Equal(2, zones.Count);
        Assert.Equal(("0", "DMA"), (zones[0].Node, zones[0].Zone));
        Assert.Equal([1, 0, 3], zones[0].FreeBlocks);
        Assert.Equal(("1", "Normal"), (zones[1].Node, zones[1].Zone));
        Assert.Equal([4381, 1093, 185], zones[1].FreeBlocks);
    }

    [Theory]
    [InlineData("Node 0, zone\n")]
    [InlineData("Node 0, zone DMA 1 x 3\n")]
    [InlineData("Node 0, zone DMA 1 2 3\nNode 0, zone Normal 1 2\n")]
    public void Short_lines_non_numbers_and_uneven_orders_fail(string content) =>
        Assert.Throws<InvalidDataException>(() => BuddyInfo.Parse(Encoding.ASCII.GetBytes(content)));
}
