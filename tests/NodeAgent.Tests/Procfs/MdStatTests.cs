using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class MdStatTests
{
    [Fact]
    public void Fixture_arrays_cover_resync_degraded_raid0_recovery_check_and_inactive()
    {
        Assert.True(MdStat.TryParse(File.ReadAllBytes(Repository.Fixture("node", "proc", "mdstat")), out var arrays, out var error), error);

        Assert.Equal(
        new[]
        {
            new MdStat("md0", "resyncing", 2, 2, 0, 0, 523264, 115712),
            new MdStat("md1", "active", 3, 4, 1, 0, 5860270080, 5860270080),
            new MdStat("md2", "active", 2, 2, 0, 0, 1953257472, 1953257472),
            new MdStat("md3", "recovering", 1, 2, 0, 0, 976630464, 83213312),
            new MdStat("md4", "checking", 2, 2, 0, 0, 488254464, 58590592),
            new MdStat("md127", "inactive", 0, 0, 0, 1, 3906886488, 3906886488),
        }, arrays);
    }

    [Fact]
    public void A_delayed_or_pending_resync_has_synced_nothing()
    {
        var content = """
            Personalities : [raid1]
            md8 : active raid1 sdb1[1] sda1[0]
                  195310144 blocks [2/2] [UU]
                    resync=DELAYED

            unused devices: <none>

            """u8;

        Assert.True(MdStat.TryParse(content, out var arrays, out _));

        Assert.Equal(new MdStat("md8", "resyncing", 2, 2, 0, 0, 195310144, 0), Assert.Single(arrays));
    }

    [Fact]
    public void A_reshape_is_its_own_state()
    {
        var content = """
            md5 : active raid5 sdd[3] sdc[2] sdb[1] sda[0]
                  3906764800 blocks super 1.2 level 5, 512k chunk, algorithm 2 [4/4] [UUUU]
                  [>....................]  reshape =  0.4% (8064256/1953382400) finish=1066.3min speed=30402K/sec

            """u8;

        Assert.True(MdStat.TryParse(content, out var arrays, out _));

        Assert.Equal("reshaping", Assert.Single(arrays).State);
    }

    [Theory]
    [InlineData("md0 :\n      100 blocks [1/1] [U]\n\n\n")]
    [InlineData("md0 : active raid1 sda[0]\n      100 blocks\n\n\n")]
    [InlineData("md0 : active raid1 sda[0]\n      lots blocks [1/1] [U]\n\n\n")]
    [InlineData("md0 : active raid1 sda[0]\n      100 blocks [1/1] [U]\n      [>..]  recovery = 1.0% finish=1.0min speed=1K/sec\n\n")]
    [InlineData("md0 : active raid1 sda[0]\n      100 blocks [1/1] [U]\n")]
    public void Malformed_arrays_are_rejected(string content) =>
        Assert.False(MdStat.TryParse(Encoding.ASCII.GetBytes(content), out _, out _));

    [Fact]
    public void No_arrays_is_an_empty_list() =>
        Assert.True(MdStat.TryParse("Personalities : \nunused devices: <none>\n"u8, out var arrays, out _) && arrays.Count == 0);
}
