using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class VmStatTests
{
    [Fact]
    public void Every_field_of_the_captured_file_is_read()
    {
        var path = Repository.Fixture("node", "proc", "vmstat");
        Assert.True(VmStat.TryParse(File.ReadAllBytes(path), out var lines, out _));

        Assert.Equal(File.ReadAllLines(path).Length, lines.Count);
        Assert.Contains(new VmStatLine("pgmajfault", 2238), lines);
    }

    [Theory]
    [InlineData("pgfault\n")]
    [InlineData("pgfault many\n")]
    public void A_line_without_a_numeric_value_fails_the_file(string content)
    {
        Assert.False(VmStat.TryParse(Encoding.ASCII.GetBytes(content), out _, out var bad));
        Assert.Equal(content.TrimEnd('\n'), bad);
    }
}
