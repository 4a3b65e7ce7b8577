using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class SchedStatTests
{
    [Fact]
    public void Cpu_lines_give_fields_seven_to_nine_and_other_lines_are_skipped()
    {
        var cpus = SchedStat.Parse(File.ReadAllBytes(Repository.Fixture("node", "proc", "schedstat")));

        Assert.Equal(
            [new SchedStatCpu("0", 336457207541, 9876543210, 1234567), new SchedStatCpu("1", 412300128000, 12000000001, 2345678)],
            cpus);
    }

    [Fact]
    public void Short_or_overflowing_cpu_lines_are_skipped_not_errors()
    {
        var cpus = SchedStat.Parse("cpu0 1 2 3\ncpu1 0 0 0 0 0 0 99999999999999999999999 1 1\ncpu2 0 0 0 0 0 0 7 8 9 10\ncpux 1 2 3 4 5 6 7 8 9\n"u8);

        Assert.Equal([new SchedStatCpu("2", 7, 8, 9)], cpus);
    }
}
