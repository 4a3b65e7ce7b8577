using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class ProcStatTests
{
    private static ProcStat Parse(string content)
    {
        Assert.True(ProcStat.TryParse(Encoding.ASCII.GetBytes(content), out var stat, out var error), error);
        return stat;
    }

    [Fact]
    public void The_captured_file_gives_per_cpu_ticks_and_the_system_lines()
    {
        Assert.True(ProcStat.TryParse(File.ReadAllBytes(Repository.Fixture("node", "proc", "stat")), out var stat, out _));

        Assert.Equal(
            [new CpuLine(0, new CpuTicks(31117, 0, 9858, 98189, 95, 0, 370, 0, 0, 0)), new CpuLine(1, new CpuTicks(38623, 0, 11812, 88562, 352, 0, 254, 0, 0, 0))],
            stat.Cpus);
        Assert.Equal(1795834216UL, stat.BootTime);
        Assert.Equal(1558020UL, stat.ContextSwitches);
        Assert.Equal(16720UL, stat.ProcessesCreated);
        Assert.Equal(626748UL, stat.IrqTotal);
        Assert.Equal(1UL, stat.ProcessesRunning);
        Assert.Equal(0UL, stat.ProcessesBlocked);
    }

    [Fact]
    public void Guest_columns_and_the_softirq_line_are_read()
    {
        var stat = Parse("cpu  1 2 3 4 5 6 7 8 9 10\ncpu3 100 20 30 40 5 6 7 8 90 10\nsoftirq 55 1 2 3 4 5 6 7 8 9 10\n");

        Assert.Equal([new CpuLine(3, new CpuTicks(100, 20, 30, 40, 5, 6, 7, 8, 90, 10))], stat.Cpus);
        Assert.Equal(new SoftirqCounts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), stat.Softirq);
    }

    [Fact]
    public void Missing_keys_stay_zero_and_short_cpu_lines_of_old_kernels_are_accepted()
    {
        var stat = Parse("cpu0 10 20 30 40 50 60 70 80\nbtime 5\n");

        Assert.Equal(new CpuTicks(10, 20, 30, 40, 50, 60, 70, 80, 0, 0), stat.Cpus[0].Ticks);
        Assert.Equal(5UL, stat.BootTime);
        Assert.Equal(0UL, stat.ContextSwitches);
        Assert.Equal(0UL, stat.ProcessesRunning);
    }

    [Fact]
    public void Lines_with_fewer_than_two_fields_and_unknown_keys_are_skipped()
    {
        var stat = Parse("\npage_in\nsomething new 7\nctxt 9\n");

        Assert.Equal(9UL, stat.ContextSwitches);
        Assert.Empty(stat.Cpus);
    }

    [Theory]
    [InlineData("cpu0 1 2 x 4\n")]
    [InlineData("cpuX 1 2 3 4\n")]
    [InlineData("ctxt -1\n")]
    [InlineData("btime 12ab\n")]
    [InlineData("softirq 1 2 3\n")]
    public void A_malformed_known_line_fails_the_file(string content)
    {
        Assert.False(ProcStat.TryParse(Encoding.ASCII.GetBytes(content), out _, out var error));
        Assert.Equal(content.TrimEnd('\n'), error);
    }
}
