using NodeAgent.Parsing;

namespace NodeAgent.Tests.Parsing;

public sealed class LogFormatDetectionTests
{
    private static ReadOnlySpan<byte> FirstLine(string fixture)
    {
        var data = LogFixture.Bytes(fixture);
        return data.AsSpan(0, data.AsSpan().IndexOf((byte)'\n'));
    }

    [Theory]
    [InlineData("containerd", nameof(LogFormat.Cri))]
    [InlineData("crio", nameof(LogFormat.Cri))]
    [InlineData("docker", nameof(LogFormat.DockerJson))]
    [InlineData("cri-edge-cases", nameof(LogFormat.Unknown))] // its first line is garbage: the decoder asks again on the next
    public void Detects_the_format_from_the_first_line(string fixture, string expected)
    {
        Assert.Equal(Enum.Parse<LogFormat>(expected), LogFormatDetection.Detect(FirstLine(fixture)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\0\0\0\0")]
    [InlineData("{\"msg\":\"an application's own JSON, not docker's\"}")]
    [InlineData("2026-03-14T09:26:47Z stdin F x")]
    public void Anything_else_is_unknown(string line)
    {
        Assert.Equal(LogFormat.Unknown, LogFormatDetection.Detect(System.Text.Encoding.UTF8.GetBytes(line)));
    }
}
