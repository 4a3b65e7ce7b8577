using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class SoftnetStatTests
{
    [Fact]
    public void Modern_rows_carry_the_backlog_and_the_cpu_index()
    {
        Assert.True(SoftnetStat.TryParse(File.ReadAllBytes(Repository.Fixture("node", "proc", "net", "softnet_stat")), out var rows, out _));

        Assert.Equal([new SoftnetStatRow(0x62d, 0, 0, 0, 0, 0, 0, 0), new SoftnetStatRow(0x1d86, 0, 1, 0, 0, 0, 0, 1)], rows);
    }

    [Fact]
    public void Older_layouts_fill_what_they_have_and_index_rows_by_position()
    {
        var content = "0000000a 00000001 00000002 00000000 00000000 00000000 00000000 00000000 00000003\n"
            + "0000000b 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000004 00000005\n";
        Assert.True(SoftnetStat.TryParse(Encoding.ASCII.GetBytes(content), out var rows, out _));

        Assert.Equal([new SoftnetStatRow(10, 1, 2, 3, 0, 0, 0, 0), new SoftnetStatRow(11, 0, 0, 0, 4, 5, 0, 1)], rows);
    }

    [Theory]
    [InlineData("00000001 00000002\n")]
    [InlineData("0000000z 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n")]
    public void Short_or_non_hex_rows_fail(string content) =>
        Assert.False(SoftnetStat.TryParse(Encoding.ASCII.GetBytes(content), out _, out _));
}
