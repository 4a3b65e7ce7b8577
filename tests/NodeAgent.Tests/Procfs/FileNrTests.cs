using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class FileNrTests
{
    [Fact]
    public void Allocated_and_maximum_are_the_first_and_third_tab_separated_values()
    {
        Assert.True(FileNr.TryParse(File.ReadAllBytes(Repository.Fixture("node", "proc", "sys", "fs", "file-nr")), out var fileNr));
        Assert.Equal(new FileNr(465, 2466160), fileNr);
        Assert.True(FileNr.TryParse("1\t0\t9223372036854775807\n"u8, out var huge));
        Assert.Equal(9.223372036854776e18, huge.Maximum);
    }

    [Theory]
    [InlineData("465 0 2466160\n")]
    [InlineData("465\t0\n")]
    [InlineData("a\t0\t1\n")]
    public void Other_layouts_fail(string content) =>
        Assert.False(FileNr.TryParse(Encoding.ASCII.GetBytes(content), out _));
}
