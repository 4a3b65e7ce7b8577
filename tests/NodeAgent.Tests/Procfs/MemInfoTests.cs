using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class MemInfoTests
{
    [Fact]
    public void Every_line_is_read_with_its_unit()
    {
        Assert.True(MemInfo.TryParse(File.ReadAllBytes(Repository.Fixture("node", "proc", "meminfo")), out var lines, out _));

        Assert.Equal(new MemInfoLine("MemTotal", 24683620, Kilobytes: true), lines[0]);
        Assert.Equal(25276026880UL, lines[0].Bytes);
        Assert.Contains(new MemInfoLine("Active(anon)", 1540, Kilobytes: true), lines);
        Assert.Contains(new MemInfoLine("HugePages_Total", 0, Kilobytes: false), lines);
        Assert.Equal(File.ReadAllLines(Repository.Fixture("node", "proc", "meminfo")).Length, lines.Count);
    }

    [Fact]
    public void A_count_without_unit_is_taken_as_is() =>
        Assert.Equal(7UL, Parse("HugePages_Free:        7\n")[0].Bytes);

    [Theory]
    [InlineData("MemTotal: 12 MB\n")]
    [InlineData("MemTotal:\n")]
    [InlineData("MemTotal: 1 kB extra\n")]
    [InlineData("MemTotal: -1 kB\n")]
    public void Malformed_lines_fail_the_file(string content)
    {
        Assert.False(MemInfo.TryParse(Encoding.ASCII.GetBytes(content), out _, out var bad));
        Assert.Equal(content.TrimEnd('\n'), bad);
    }

    private static IReadOnlyList<MemInfoLine> Parse(string content)
    {
        Assert.True(MemInfo.TryParse(Encoding.ASCII.GetBytes(content), out var lines, out _));
        return lines;
    }
}
