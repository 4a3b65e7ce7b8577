using NodeAgent.Metrics.Collectors;

namespace NodeAgent.Tests.Hosting;

public sealed class SysctlOptionsTests
{
    [Theory]
    [InlineData("fs.file-nr", null)]
    [InlineData("fs.file-nr:total,current,max", null)]
    [InlineData("fs.file-nr:total,cur-rent,max", "the key 'cur-rent' is not a metric name suffix")]
    [InlineData("fs.file-nr:total,,max", "the key '' is not a metric name suffix")]
    [InlineData(":total", "names no sysctl")]
    public void Entries_with_keys_that_cannot_end_a_metric_name_are_refused(string entry, string? problem)
    {
        foreach (var option in new[] { SysctlOptions.IncludeOption, SysctlOptions.IncludeInfoOption })
        {
            var found = option.Problem(new List<string> { "kernel.threads-max", entry });
            if (problem is null)
            {
                Assert.Null(found);
            }
            else
            {
                Assert.Contains(problem, found, StringComparison.Ordinal);
            }
        }
    }
}
