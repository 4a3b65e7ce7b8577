using System.Buffers;
using System.Text;
using NodeAgent.Metrics;
using NodeAgent.Telemetry;

namespace NodeAgent.Tests.Telemetry;

public sealed class MetricWriterTests
{
    private static string Write(ExpositionFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MetricWriter(buffer, format);
        writer.Family("demo_requests_total", MetricType.Counter, "Requests with \\ and\nnewline and \"quotes\".");
        writer.Sample(3, "path", "/a\"b\\c\nd", "code", "200");
        writer.Sample(1e6, "path", "/", "code", "500");
        writer.Family("demo_temperature_celsius", MetricType.Gauge, "A gauge.");
        writer.Sample(21.5);
        writer.Family("demo_raw", MetricType.Untyped, "An untyped value.");
        writer.Sample(double.NaN);
        writer.Finish();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Prometheus_text_format_0_0_4()
    {
        Assert.Equal(
            """
            # HELP demo_requests_total Requests with \\ and\nnewline and "quotes".
            # TYPE demo_requests_total counter
            demo_requests_total{path="/a\"b\\c\nd",code="200"} 3
            demo_requests_total{path="/",code="500"} 1e+06
            # HELP demo_temperature_celsius A gauge.
            # TYPE demo_temperature_celsius gauge
            demo_temperature_celsius 21.5
            # HELP demo_raw An untyped value.
            # TYPE demo_raw untyped
            demo_raw NaN

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            Write(ExpositionFormat.PrometheusText));
    }

    [Fact]
    public void OpenMetrics_types_counters_without_total_and_ends_with_eof()
    {
        Assert.Equal(
            """
            # HELP demo_requests Requests with \\ and\nnewline and \"quotes\".
            # TYPE demo_requests counter
            demo_requests_total{path="/a\"b\\c\nd",code="200"} 3
            demo_requests_total{path="/",code="500"} 1e+06
            # HELP demo_temperature_celsius A gauge.
            # TYPE demo_temperature_celsius gauge
            demo_temperature_celsius 21.5
            # HELP demo_raw An untyped value.
            # TYPE demo_raw unknown
            demo_raw NaN
            # EOF

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            Write(ExpositionFormat.OpenMetrics));
    }

    [Theory]
    [InlineData("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", true)]
    [InlineData("text/plain;version=0.0.4;q=1,*/*;q=0.1", false)]
    [InlineData("", false)]
    [InlineData("*/*", false)]
    public void OpenMetrics_only_when_asked(string accept, bool expected) =>
        Assert.Equal(expected, ScrapeHandler.WantsOpenMetrics(accept));

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("deflate, gzip;q=1.0, *;q=0.5", true)]
    [InlineData("gzip;q=0", false)]
    [InlineData("gzip; q=0.001", true)]
    [InlineData("identity", false)]
    [InlineData("", false)]
    public void Gzip_only_when_accepted(string acceptEncoding, bool expected) =>
        Assert.Equal(expected, ScrapeHandler.AcceptsGzip(acceptEncoding));
}
