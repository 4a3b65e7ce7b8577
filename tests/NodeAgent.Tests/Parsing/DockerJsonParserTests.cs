using System.Buffers;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Parsing;

namespace NodeAgent.Tests.Parsing;

public sealed class DockerJsonParserTests
{
    private static (bool Ok, DockerLine Line, byte[] Message, string Time) Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    private static (bool Ok, DockerLine Line, byte[] Message, string Time) Parse(byte[] line)
    {
        var message = new ArrayBufferWriter<byte>();
        var ok = DockerJsonParser.TryParse(line, message, out var docker);
        return (ok, docker, message.WrittenSpan.ToArray(), ok ? Encoding.ASCII.GetString(line[docker.Timestamp]) : "");
    }

    [Fact]
    public void Parses_a_json_file_line()
    {
        var (ok, line, message, time) = Parse("""{"log":"Listening on :8080\n","stream":"stdout","time":"2026-03-14T09:30:00.1Z"}""");

        Assert.True(ok);
        Assert.Equal("Listening on :8080", Encoding.UTF8.GetString(message));
        Assert.Equal(LogStream.Stdout, line.Stream);
        Assert.False(line.Partial);
        Assert.Equal("2026-03-14T09:30:00.1Z", time);
    }

    [Fact]
    public void A_log_value_without_its_newline_is_a_piece_docker_cut_at_16_KiB()
    {
        var (ok, line, message, _) = Parse("""{"log":"first 16 KiB","stream":"stderr","time":"2026-03-14T09:30:00Z"}""");

        Assert.True(ok);
        Assert.True(line.Partial);
        Assert.Equal(LogStream.Stderr, line.Stream);
        Assert.Equal("first 16 KiB", Encoding.UTF8.GetString(message));
    }

    [Theory]
    // docker's own escapes: < > & and controls as \u00XX, U+2028 as \u2028
    [InlineData("""\u003chtml\u003e \u0026 \u0009tab\n""", "<html> & \ttab", false)]
    [InlineData("""quote \" backslash \\ slash \/ \b\f\r\n""", "quote \" backslash \\ slash / \b\f\r", false)]
    [InlineData("""\u2028 \u00e9 \u6771""", "\u2028 é 東", true)]
    [InlineData("""rocket \ud83d\ude80\n""", "rocket 🚀", false)]
    [InlineData("""lone \ud83d surrogate\n""", "lone \ufffd surrogate", false)]
    [InlineData("""low \ude80 first\n""", "low \ufffd first", false)]
    [InlineData("""nul \u0000 byte\n""", "nul \0 byte", false)]
    [InlineData("""backslash then n \\n""", "backslash then n \\n", true)]
    [InlineData("""backslash then newline \\\n""", "backslash then newline \\", false)]
    [InlineData("""\n""", "", false)]
    [InlineData("", "", true)]
    public void Unescapes_the_log_value(string escaped, string expected, bool partialExpected)
    {
        var (ok, line, message, _) = Parse("{\"log\":\"" + escaped + "\",\"stream\":\"stdout\",\"time\":\"2026-03-14T09:30:00Z\"}");

        Assert.True(ok);
        Assert.Equal(expected, Encoding.UTF8.GetString(message));
        Assert.Equal(partialExpected, line.Partial);
    }

    [Fact]
    public void Raw_invalid_utf8_passes_through_for_the_decoder_to_flag()
    {
        byte[] json = [.. "{\"log\":\"bad "u8, 0xFF, 0xC3, 0x28, .. "\\n\",\"stream\":\"stdout\",\"time\":\"2026-03-14T09:30:00Z\"}"u8];
        var (ok, line, message, _) = Parse(json);

        Assert.True(ok);
        Assert.False(line.Partial);
        Assert.Equal([.. "bad "u8, 0xFF, 0xC3, 0x28], message);
    }

    [Fact]
    public void Keys_in_any_order_attrs_and_unknown_keys_are_skipped()
    {
        var (ok, line, message, time) = Parse(
            """{"time":"2026-03-14T09:30:00.130500001Z","attrs":{"io.kubernetes.pod.name":"web","nested":{"a":[1,2,{"b":null}]}},"extra":true,"stream":"stderr","log":"x\n"}""");

        Assert.True(ok);
        Assert.Equal("x", Encoding.UTF8.GetString(message));
        Assert.Equal(LogStream.Stderr, line.Stream);
        Assert.Equal("2026-03-14T09:30:00.130500001Z", time);
    }

    [Fact]
    public void An_absent_log_is_an_empty_piece_as_docker_omits_empty_values()
    {
        var (ok, line, message, _) = Parse("""{"stream":"stdout","time":"2026-03-14T09:30:00Z"}""");

        Assert.True(ok);
        Assert.True(line.Partial);
        Assert.Empty(message);
    }

    [Fact]
    public void Escaped_key_names_are_recognised()
    {
        var (ok, _, message, _) = Parse("""{"\u006cog":"escaped key\n","stream":"stdout","time":"2026-03-14T09:30:00Z"}""");

        Assert.True(ok);
        Assert.Equal("escaped key", Encoding.UTF8.GetString(message));
    }

    [Fact]
    public void A_carriage_return_after_the_object_is_allowed()
    {
        Assert.True(Parse("{\"log\":\"crlf file\\n\",\"stream\":\"stdout\",\"time\":\"2026-03-14T09:30:00Z\"}\r").Ok);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("2026-03-14T09:26:47Z stdout F a cri line")]
    [InlineData("""{"log":"torn write after a disk-full err""")]
    [InlineData("""{"log":"x\n","stream":"stdout","time":"2026-03-14T09:30:00Z"} trailing""")]
    [InlineData("""{"log":"x\n","stream":"stdout","time":"2026-03-14T09:30:00Z"}{"log":"y\n"}""")]
    [InlineData("""{"log":"x\n","stream":"stdin","time":"2026-03-14T09:30:00Z"}""")]
    [InlineData("""{"log":"x\n","time":"2026-03-14T09:30:00Z"}""")]
    [InlineData("""{"log":"x\n","stream":"stdout"}""")]
    [InlineData("""{"log":"x\n","stream":"stdout","time":"yesterday"}""")]
    [InlineData("""{"log":"x\n","stream":"stdout","time":1773480600}""")]
    [InlineData("""{"log":42,"stream":"stdout","time":"2026-03-14T09:30:00Z"}""")]
    [InlineData("""{"log":"x\n","log":"y\n","stream":"stdout","time":"2026-03-14T09:30:00Z"}""")]
    [InlineData("""{"log":"x\n","stream":"stdout","stream":"stderr","time":"2026-03-14T09:30:00Z"}""")]
    [InlineData("""{"log":"bad \q escape","stream":"stdout","time":"2026-03-14T09:30:00Z"}""")]
    [InlineData("""{"log":"bad \u12 escape","stream":"stdout","time":"2026-03-14T09:30:00Z"}""")]
    [InlineData("""["log","x"]""")]
    [InlineData("""{"log":"raw	tab","stream":"stdout","time":"2026-03-14T09:30:00Z"}""")]
    public void Rejects_what_is_not_a_docker_line(string text)
    {
        Assert.False(Parse(text).Ok);
    }

    [Fact]
    public void Without_a_writer_it_only_validates()
    {
        var line = """{"log":"a\u0026b\n","stream":"stdout","time":"2026-03-14T09:30:00Z"}"""u8;

        Assert.True(DockerJsonParser.TryParse(line, message: null, out var docker));
        Assert.False(docker.Partial);
        Assert.Equal(LogStream.Stdout, docker.Stream);
    }
}
