using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class DiskstatsTests
{
    [Fact]
    public void Captured_file_parses_every_device_with_seventeen_counters()
    {
        Assert.True(DiskstatsLine.TryParse(File.ReadAllBytes(Repository.Fixture("node", "proc", "diskstats")), out var lines, out _));

        Assert.Equal(24, lines.Count);
        Assert.All(lines, l => Assert.Equal(DiskstatsLine.MaxCounters, l.Counters.Length));
        var sda = Assert.Single(lines, l => l.Device == "sda");
        Assert.Equal((8u, 0u), (sda.Major, sda.Minor));
        Assert.Equal(25354637UL, sda.Counters[DiskstatsLine.ReadsCompleted]);
        Assert.Equal(1003346126UL, sda.Counters[DiskstatsLine.SectorsRead]);
        Assert.Equal(5615UL, sda.Counters[DiskstatsLine.FlushTicks]);
    }

    [Theory]
    [InlineData("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11", 11)]
    [InlineData("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", 15)]
    [InlineData("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19", 17)]
    public void Older_and_newer_kernels_give_as_many_counters_as_they_print(string line, int counters)
    {
        Assert.True(DiskstatsLine.TryParse(Encoding.ASCII.GetBytes(line + "\n"), out var lines, out _));

        Assert.Equal(counters, Assert.Single(lines).Counters.Length);
        Assert.Equal(11UL, lines[0].Counters[DiskstatsLine.WeightedIoTicks]);
    }

    [Fact]
    public void Short_partition_lines_of_old_kernels_are_skipped()
    {
        Assert.True(DiskstatsLine.TryParse("   8       1 sda1 7 8 9 10\n\n"u8, out var lines, out _));

        Assert.Empty(lines);
    }

    [Theory]
    [InlineData("   8       0 sda 1 2 x 4 5 6 7 8 9 10 11")]
    [InlineData("   a       0 sda 1 2 3 4 5 6 7 8 9 10 11")]
    [InlineData("   8       0 sda 1 2 3 4 5 6 7 8 9 10 -11")]
    public void A_field_that_is_not_a_number_rejects_the_file(string line)
    {
        Assert.False(DiskstatsLine.TryParse(Encoding.ASCII.GetBytes(line), out _, out var badLine));

        Assert.Equal(line, badLine);
    }
}
