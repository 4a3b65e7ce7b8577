using System.Text;
using NodeAgent.Sysfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Sysfs;

public sealed class StorageSysfsTests
{
    private static byte[] Node(params string[] parts) => File.ReadAllBytes(Repository.Fixture(["node", .. parts]));

    [Fact]
    public void Udev_database_gives_the_E_properties_only()
    {
        var properties = UdevProperties.Parse(Node("root", "run", "udev", "data", "b8:0"));

        Assert.Equal("ST4000DM004-2CV104", properties["ID_MODEL"]);
        Assert.Equal("ZFN0GTAJ0000C9421A2B", properties["SCSI_IDENT_SERIAL"]);
        Assert.Equal("5425", properties["ID_ATA_ROTATION_RATE_RPM"]);
        Assert.DoesNotContain(properties.Keys, k => k.StartsWith("disk/", StringComparison.Ordinal) || k == "11");
    }

    [Fact]
    public void Udev_values_may_hold_equals_signs_and_a_later_key_wins()
    {
        var properties = UdevProperties.Parse("E:A=x=y\nE:B\nE:A2=\nE:A2=second\nS:E:C=no\n"u8);

        Assert.Equal(new Dictionary<string, string> { ["A"] = "x=y", ["A2"] = "second" }, properties);
    }

    [Fact]
    public void Xfs_per_filesystem_stats_of_a_current_kernel_parse()
    {
        Assert.True(XfsStats.TryParse(Node("sys", "fs", "xfs", "dm-0", "stats", "stats"), out var stats, out var error), error);

        Assert.Equal(92447UL, stats.Value("extent_alloc", 0));
        Assert.Equal(33637UL, stats.Value("ig", 5));
        Assert.Equal(94045UL, stats.Value("rw", 1));
        Assert.Equal(92444UL, stats.Value("vnodes", 6));
        Assert.Equal(399724544UL, stats.Value("xpc", 0));
        Assert.Equal(0UL, stats.Value("no_such_group", 0));
    }

    [Theory]
    [InlineData("extent_alloc 1 2 3\n", "group extent_alloc has 3 values")]
    [InlineData("vnodes 1 2 3 4 5 6 7 8 9\n", "group vnodes has 9 values")]
    [InlineData("abt 1 2 x 4\n", "not a number in \"abt 1 2 x 4\"")]
    [InlineData("rw 4294967296 0\n", "value out of 32-bit range in group rw")]
    [InlineData("push_ail 4294967296\n", "value out of 32-bit range in group push_ail")]
    public void Xfs_stats_are_held_to_procfs_rules(string content, string expected)
    {
        Assert.False(XfsStats.TryParse(Encoding.ASCII.GetBytes(content), out _, out var error));

        Assert.Equal(expected, error);
    }

    [Fact]
    public void Xfs_vnodes_without_free_and_wide_xpc_counters_are_accepted()
    {
        Assert.True(XfsStats.TryParse("vnodes 1 2 3 4 5 6 7\nxpc 4294967296 2 3\ndebug 0\n"u8, out var stats, out _));

        Assert.Equal(7UL, stats.Value("vnodes", 6));
        Assert.Equal(4294967296UL, stats.Value("xpc", 0));
    }

    [Fact]
    public void Btrfs_commit_stats_keep_the_four_known_keys()
    {
        Assert.True(BtrfsCommitStats.TryParse(Node("sys", "fs", "btrfs", "0abb23a9-579b-43e6-ad30-227ef47fcb9d", "commit_stats"), out var stats));

        Assert.Equal(new BtrfsCommitStats(258051, 1000, 51462, 47836090), stats);
        Assert.True(BtrfsCommitStats.TryParse(""u8, out var empty) && empty == default);
    }

    [Theory]
    [InlineData("commits 1 2\n")]
    [InlineData("commits\n")]
    [InlineData("commits x\n")]
    [InlineData("commits 1\n\nlast_commit_ms 2\n")]
    public void Btrfs_commit_stats_lines_must_be_key_and_number(string content) =>
        Assert.False(BtrfsCommitStats.TryParse(Encoding.ASCII.GetBytes(content), out _));
}
