using NodeAgent.Telemetry;

namespace NodeAgent.Tests.Telemetry;

/// <summary>Expected strings are what Go's strconv.FormatFloat(v, 'g', -1, 64) prints (node_exporter's output).</summary>
public sealed class GoFloatTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(0.34, "0.34")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(100000.0, "100000")]
    [InlineData(123456.0, "123456")]
    [InlineData(999999.0, "999999")]
    [InlineData(1000000.0, "1e+06")]
    [InlineData(1234567.0, "1.234567e+06")]
    [InlineData(16777216000.0, "1.6777216e+10")]
    [InlineData(1795834623.59, "1.79583462359e+09")]
    [InlineData(18446744073709551615.0, "1.8446744073709552e+19")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(0.000123, "0.000123")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e100, "1e+100")]
    [InlineData(12.000001, "12.000001")]
    [InlineData(-1234567.0, "-1.234567e+06")]
    [InlineData(-1.5e-7, "-1.5e-07")]
    [InlineData(-0.0, "-0")]
    [InlineData(0.1, "0.1")]
    [InlineData(123456.5, "123456.5")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    public void Formats_like_go(double value, string expected) => Assert.Equal(expected, GoFloat.Format(value));

    [Fact]
    public void Every_output_parses_back_to_the_same_double()
    {
        var random = new Random(42);
        for (var i = 0; i < 20_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            var text = GoFloat.Format(value);
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Special_values_use_the_exposition_spelling()
    {
        Assert.Equal("NaN", GoFloat.Format(double.NaN));
        Assert.Equal("+Inf", GoFloat.Format(double.PositiveInfinity));
        Assert.Equal("-Inf", GoFloat.Format(double.NegativeInfinity));
    }
}
