using System.Text;
using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class XfrmStatTests
{
    [Fact]
    public void Known_counters_are_read_by_name_unknown_ones_skipped_and_absent_ones_zero()
    {
        Assert.True(XfrmStat.TryParse("XfrmInError                     1\nXfrmInIptfsError 9\nXfrmAcquireError\t24532\n"u8, out var values, out _));

        Assert.Equal(1, values[Array.IndexOf(XfrmStat.Names, "XfrmInError")]);
        Assert.Equal(24532, values[Array.IndexOf(XfrmStat.Names, "XfrmAcquireError")]);
        Assert.Equal(1 + 24532, values.Sum());
    }

    [Theory]
    [InlineData("XfrmInError 1 2\n")]
    [InlineData("XfrmInError\n")]
    [InlineData("XfrmInError one\n")]
    public void A_line_that_is_not_a_name_and_an_integer_fails_the_file(string content) =>
        Assert.False(XfrmStat.TryParse(Encoding.ASCII.GetBytes(content), out _, out _));
}
