using System.Text;
using NodeAgent.Sysfs;

namespace NodeAgent.Tests.Sysfs;

public sealed class CpuListTests
{
    [Theory]
    [InlineData("\n", new int[0])]
    [InlineData("", new int[0])]
    [InlineData("3\n", new[] { 3 })]
    [InlineData("0-2,5,7-8\n", new[] { 0, 1, 2, 5, 7, 8 })]
    [InlineData("1,,2", new[] { 1, 2 })]
    public void Lists_and_ranges_expand(string content, int[] expected)
    {
        Assert.True(CpuList.TryParse(Encoding.ASCII.GetBytes(content), out var cpus));
        Assert.Equal(expected, cpus);
    }

    [Theory]
    [InlineData("1-2-3\n")]
    [InlineData("a\n")]
    [InlineData("1-\n")]
    [InlineData("70000\n")]
    public void Malformed_lists_fail(string content) =>
        Assert.False(CpuList.TryParse(Encoding.ASCII.GetBytes(content), out _));
}
