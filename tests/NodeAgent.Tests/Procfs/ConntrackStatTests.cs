using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class ConntrackStatTests
{
    [Fact]
    public void Per_cpu_rows_are_summed_by_column_position()
    {
        var stat = ConntrackStat.Parse(File.ReadAllBytes(Repository.Fixture("node", "proc", "net", "stat", "nf_conntrack")));

        Assert.Equal(new ConntrackStat(Found: 58, Invalid: 35, Ignore: 0, Insert: 0, InsertFailed: 3, Drop: 4, EarlyDrop: 6, SearchRestart: 32), stat);
    }

    [Fact]
    public void Kernels_before_2_6_35_have_no_search_restart_column()
    {
        var content = "entries searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error expect_new expect_create expect_delete\n"
            + "00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008 00000009 0000000a 0000000b 0000000c 0000000d 0000000e 0000000f 00000010\n";

        var stat = ConntrackStat.Parse(Encoding.ASCII.GetBytes(content));

        Assert.Equal(new ConntrackStat(Found: 3, Invalid: 5, Ignore: 6, Insert: 9, InsertFailed: 10, Drop: 11, EarlyDrop: 12, SearchRestart: 0), stat);
    }

    [Theory]
    [InlineData("00000001 00000002\n")]
    [InlineData("00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008 00000009 0000000a 0000000b 0000000c 0000000d 0000000e 0000000f 0000000g\n")]
    public void Malformed_rows_are_rejected(string row) =>
        Assert.Throws<InvalidDataException>(() => ConntrackStat.Parse(Encoding.ASCII.GetBytes("header\n" + row)));
}
