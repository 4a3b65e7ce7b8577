using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class ProcessFilesTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Repository.Fixture("process", name));

    [Fact]
    public void Stat_fields_are_read_after_the_last_parenthesis_of_comm()
    {
        Assert.True(ProcessStat.TryParse(Fixture("stat-comm-with-parens"), out var stat));
        Assert.Equal(new ProcessStat(UserTicks: 1234, SystemTicks: 567, StartTicks: 98765, VirtualBytes: 2147483648, ResidentPages: 12345), stat);
    }

    [Fact]
    public void Stat_captured_from_a_real_process_parses()
    {
        Assert.True(ProcessStat.TryParse(Fixture("stat"), out var stat));
        Assert.Equal(44196UL, stat.StartTicks);
        Assert.Equal(3133440UL, stat.VirtualBytes);
        Assert.Equal(393, stat.ResidentPages);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 (cat) R 1 2 3")]
    [InlineData("12 cat R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23")]
    [InlineData("12 (cat) R 1 1 1 0 -1 4194304 117 0 0 0 x 0 0 0 20 0 1 0 44196 3133440 393 18446744073709551615")]
    public void Broken_stat_content_is_rejected(string content) =>
        Assert.False(ProcessStat.TryParse(System.Text.Encoding.ASCII.GetBytes(content), out _));

    [Fact]
    public void Limits_report_the_soft_values_and_unlimited_as_max()
    {
        Assert.True(ProcessLimits.TryParse(Fixture("limits"), out var limits));
        var expectedFiles = File.ReadLines(Repository.Fixture("process", "limits"))
            .Single(l => l.StartsWith("Max open files", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        Assert.Equal(ulong.Parse(expectedFiles, System.Globalization.CultureInfo.InvariantCulture), limits.OpenFiles);
        Assert.Equal(ulong.MaxValue, limits.AddressSpaceBytes);
    }

    [Fact]
    public void Boot_time_comes_from_the_btime_line()
    {
        Assert.True(BootTime.TryParse(Fixture("proc-stat"), out var boot));
        Assert.Equal(1795834216UL, boot);
        Assert.False(BootTime.TryParse("cpu  1 2 3\n"u8, out _));
    }
}
