using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class LoadAvgTests
{
    [Fact]
    public void The_first_three_fields_are_the_averages()
    {
        Assert.True(LoadAvg.TryParse(File.ReadAllBytes(Repository.Fixture("node", "proc", "loadavg")), out var load));
        Assert.Equal(new LoadAvg(1.03, 1.06, 0.92), load);
    }

    [Theory]
    [InlineData("0.1 0.2\n")]
    [InlineData("0.1 x 0.3 1/2 3\n")]
    [InlineData("")]
    public void Fewer_than_three_numbers_fail(string content) =>
        Assert.False(LoadAvg.TryParse(Encoding.ASCII.GetBytes(content), out _));
}
