using System.Text;
using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class CgroupSummaryTests
{
    [Fact]
    public void Each_controller_line_after_the_header_is_one_summary()
    {
        Assert.True(CgroupSummary.TryParse("#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t5\t47\t1\nrdma\t0\t1\t0"u8, out var summaries, out _));
        Assert.Equal([new CgroupSummary("cpuset", 5, 47, 1), new CgroupSummary("rdma", 0, 1, 0)], summaries);
    }

    [Theory]
    [InlineData("cpuset\t5\t47\n")]
    [InlineData("cpuset\t5\tmany\t1\n")]
    [InlineData("cpuset\t5\t47\t1\n\nmemory\t7\t234\t1\n")]
    public void A_line_without_four_numbers_fails_the_file(string content)
    {
        Assert.False(CgroupSummary.TryParse(Encoding.ASCII.GetBytes(content), out _, out var problem));
        Assert.StartsWith("unexpected line", problem, StringComparison.Ordinal);
    }
}
