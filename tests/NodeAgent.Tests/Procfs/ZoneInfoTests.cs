using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class ZoneInfoTests
{
    private static long? Field(ZoneInfoZone zone, string name) => zone.Fields[Array.IndexOf(ZoneInfo.FieldNames, name)];

    [Fact]
    public void Blocks_start_at_node_lines_and_carry_their_node_and_zone()
    {
        var zones = ZoneInfo.Parse(
            "Node 0, zone      DMA\n  per-node stats\n      nr_inactive_anon 95612\n  pages free     2949\n        min      8\n"u8
            + "        protection: (0, 2039, 31932)\n      nr_free_pages 2949\n    cpu: 0\n              high:  0\n"u8
            + "Node 12, zone   Normal\n  pages free     10\n        high     14\n"u8);

        Assert.Equal(2, zones.Count);
        Assert.Equal(("0", "DMA"), (zones[0].Node, zones[0].Zone));
        Assert.Equal(95612, Field(zones[0], "nr_inactive_anon"));
        Assert.Equal(2949, Field(zones[0], "nr_free_pages"));
        Assert.Equal(8, Field(zones[0], "min"));
        Assert.Null(Field(zones[0], "high"));
        Assert.Equal([0, 2039, 31932], zones[0].Protection!);
        Assert.Equal(("12", "Normal"), (zones[1].Node, zones[1].Zone));
        Assert.Equal(14, Field(zones[1], "high"));
        Assert.Null(zones[1].Protection);
    }

    [Fact]
    public void A_value_that_is_not_an_integer_unsets_the_field_and_a_bad_protection_keeps_the_last_one()
    {
        var zones = ZoneInfo.Parse(
            "Node 0, zone DMA\n  min 8\n  min eight\n  protection: (0, 1)\n  protection: (0, x)\n"u8);

        Assert.Null(Field(zones[0], "min"));
        Assert.Equal([0, 1], zones[0].Protection!);
    }
}
