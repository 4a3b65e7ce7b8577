using System.Text;
using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class SlabInfoTests
{
    [Fact]
    public void Headers_are_skipped_and_the_first_five_numbers_kept()
    {
        var slabs = SlabInfo.Parse(
            "slabinfo - version: 2.1\n# name <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"u8
            + "dmaengine-unmap-128   1206   1320   1088   30    8 : tunables    0    0    0 : slabdata     44     44      0\n"u8);

        Assert.Equal([new Slab("dmaengine-unmap-128", 1206, 1320, 1088, 30, 8)], slabs);
    }

    [Theory]
    [InlineData("kmem_cache 320 320 256 32 2 : tunables 0 0 0 : slabdata 10 10\n")]
    [InlineData("kmem_cache 320 320 256 32 2 : tunables 0 0 x : slabdata 10 10 0\n")]
    [InlineData("kmem_cache 320 320 256 32 2 : tunables 0 0 0 : slabdata 10 10 0 extra\n")]
    public void Lines_of_another_shape_fail(string line) =>
        Assert.Throws<InvalidDataException>(() => SlabInfo.Parse(Encoding.ASCII.GetBytes(line)));
}
