using System.Text;
using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class AsciiFieldsTests
{
    [Fact]
    public void Fields_split_on_runs_of_whitespace_and_count_beyond_capacity()
    {
        var line = " a  b\tc \n"u8;
        Span<Range> fields = stackalloc Range[2];

        Assert.Equal(3, AsciiFields.Split(line, fields));
        Assert.Equal("a", Encoding.ASCII.GetString(line[fields[0]]));
        Assert.Equal("b", Encoding.ASCII.GetString(line[fields[1]]));
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-2e3", -2000)]
    [InlineData(".5", 0.5)]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("-infinity", double.NegativeInfinity)]
    [InlineData("NaN", double.NaN)]
    public void Go_float_forms_parse(string text, double expected)
    {
        Assert.True(AsciiFields.TryParseFloat(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1e999")]
    [InlineData("0x10")]
    [InlineData(" 1")]
    [InlineData("+NaN")]
    [InlineData("1,5")]
    public void Other_forms_do_not(string text) =>
        Assert.False(AsciiFields.TryParseFloat(Encoding.ASCII.GetBytes(text), out _));
}
