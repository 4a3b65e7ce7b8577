using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class PressureStallTests
{
    [Fact]
    public void Some_and_full_lines_are_read()
    {
        Assert.True(PressureStall.TryParse(File.ReadAllBytes(Repository.Fixture("node", "proc", "pressure", "io")), out var io));

        Assert.Equal(new PressureLine(0, 0, 0.06, 4422134), io.Some);
        Assert.Equal(new PressureLine(0, 0, 0.03, 3087224), io.Full);
    }

    [Fact]
    public void Irq_has_only_a_full_line_and_unknown_prefixes_are_ignored()
    {
        Assert.True(PressureStall.TryParse("full avg10=1.50 avg60=0.00 avg300=0.00 total=12345\nnewkind avg10=1\n"u8, out var irq));

        Assert.Null(irq.Some);
        Assert.Equal(new PressureLine(1.5, 0, 0, 12345), irq.Full);
    }

    [Theory]
    [InlineData("some avg10=0.00 avg60=0.00 total=1\n")]
    [InlineData("some avg10=x avg60=0.00 avg300=0.00 total=1\n")]
    [InlineData("full avg10=0.00 avg60=0.00 avg300=0.00 total=-1\n")]
    public void A_malformed_line_fails(string content) =>
        Assert.False(PressureStall.TryParse(Encoding.ASCII.GetBytes(content), out _));
}
