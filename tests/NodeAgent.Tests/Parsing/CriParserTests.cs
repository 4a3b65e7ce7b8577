using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Parsing;

namespace NodeAgent.Tests.Parsing;

public sealed class CriParserTests
{
    [Theory]
    // containerd: Go's RFC3339Nano in UTC, trailing zeros of the fraction dropped
    [InlineData("2016-10-06T00:17:09.669794202Z stdout P log content 1", "2016-10-06T00:17:09.669794202Z", "stdout", true, "log content 1")]
    [InlineData("2016-10-06T00:17:09.669794203Z stderr F log content 2", "2016-10-06T00:17:09.669794203Z", "stderr", false, "log content 2")]
    [InlineData("2026-03-14T09:26:41.2Z stdout F x", "2026-03-14T09:26:41.2Z", "stdout", false, "x")]
    [InlineData("2026-03-14T09:26:47Z stdout F no fraction", "2026-03-14T09:26:47Z", "stdout", false, "no fraction")]
    // CRI-O: nine digits and a numeric offset
    [InlineData("2026-03-14T09:28:20.005100230+00:00 stdout F LOG:  starting", "2026-03-14T09:28:20.005100230+00:00", "stdout", false, "LOG:  starting")]
    [InlineData("2026-03-14T09:28:20.005100230-07:00 stderr F local zone", "2026-03-14T09:28:20.005100230-07:00", "stderr", false, "local zone")]
    // several ':'-separated tags: the first decides, the rest is forward compatibility
    [InlineData("2026-03-14T09:26:47Z stdout P:x:y part", "2026-03-14T09:26:47Z", "stdout", true, "part")]
    [InlineData("2026-03-14T09:26:47Z stdout F:whatever end", "2026-03-14T09:26:47Z", "stdout", false, "end")]
    // the message is everything after the tag's space, spaces included, and may be empty
    [InlineData("2026-03-14T09:26:47Z stdout F   indented  text ", "2026-03-14T09:26:47Z", "stdout", false, "  indented  text ")]
    [InlineData("2026-03-14T09:26:47Z stdout F ", "2026-03-14T09:26:47Z", "stdout", false, "")]
    [InlineData("2026-03-14T09:26:47Z stderr F", "2026-03-14T09:26:47Z", "stderr", false, "")]
    [InlineData("2026-03-14T09:26:47Z stdout F {\"json\":\"inside\"}", "2026-03-14T09:26:47Z", "stdout", false, "{\"json\":\"inside\"}")]
    public void Parses_the_fields(string text, string timestamp, string stream, bool partial, string message)
    {
        var line = Encoding.UTF8.GetBytes(text);

        Assert.True(CriParser.TryParse(line, out var cri));
        Assert.Equal(timestamp, Encoding.ASCII.GetString(line[cri.Timestamp]));
        Assert.Equal(Enum.Parse<LogStream>(stream, ignoreCase: true), cri.Stream);
        Assert.Equal(partial, cri.Partial);
        Assert.Equal(message, Encoding.UTF8.GetString(line[cri.Message]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("2026-03-14T09:26:47Z")]
    [InlineData("2026-03-14T09:26:47Z stdout")]
    [InlineData("2026-03-14T09:26:47Z stdin F unknown stream")]
    [InlineData("2026-03-14T09:26:47Z STDOUT F case matters")]
    [InlineData("2026-03-14T09:26:47Z stdout X unknown tag")]
    [InlineData("2026-03-14T09:26:47Z stdout  F empty tag field")]
    [InlineData("2026-03-14T09:26:47Z stdout :F empty first tag")]
    [InlineData("2026-03-14T09:26:47Z stdout PF not a tag")]
    [InlineData(" 2026-03-14T09:26:47Z stdout F leading space")]
    [InlineData("2026-13-14T09:26:47Z stdout F month 13")]
    [InlineData("{\"log\":\"docker\\n\",\"stream\":\"stdout\",\"time\":\"2026-03-14T09:26:47Z\"}")]
    public void Rejects_what_is_not_a_cri_line(string text)
    {
        Assert.False(CriParser.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void Invalid_utf8_and_nul_bytes_in_the_message_are_the_message()
    {
        byte[] line = [.. "2026-03-14T09:26:47Z stdout F "u8, 0xFF, 0x00, 0xC3];

        Assert.True(CriParser.TryParse(line, out var cri));
        Assert.Equal(new byte[] { 0xFF, 0x00, 0xC3 }, line[cri.Message]);
    }

    [Theory]
    [InlineData("2026-03-14T09:26:47Z")]
    [InlineData("2026-03-14T09:26:47.1Z")]
    [InlineData("2026-03-14T09:26:47.123456789Z")]
    [InlineData("2026-03-14T09:26:47.123456789+00:00")]
    [InlineData("2026-03-14T09:26:47+05:30")]
    [InlineData("2026-12-31T23:59:60Z")] // a leap second
    [InlineData("0001-01-01T00:00:00Z")]
    public void Accepts_rfc3339_timestamps_as_runtimes_write_them(string text)
    {
        Assert.True(CriParser.IsTimestamp(Encoding.ASCII.GetBytes(text)));
        Assert.True(text.Length <= CriParser.MaxTimestampLength);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-03-14")]
    [InlineData("2026-03-14 09:26:47Z")] // RFC 3339 allows a space; no runtime writes one, and it would split the CRI fields
    [InlineData("2026-03-14T09:26:47")] // no zone
    [InlineData("2026-03-14T09:26:47.Z")] // empty fraction
    [InlineData("2026-03-14T09:26:47.1234567890Z")] // ten digits
    [InlineData("2026-03-14T09:26:47z")]
    [InlineData("2026-03-14t09:26:47Z")]
    [InlineData("2026-00-14T09:26:47Z")]
    [InlineData("2026-03-32T09:26:47Z")]
    [InlineData("2026-03-14T24:00:00Z")]
    [InlineData("2026-03-14T09:60:00Z")]
    [InlineData("2026-03-14T09:26:61Z")]
    [InlineData("2026-03-14T09:26:47+0530")]
    [InlineData("2026-03-14T09:26:47+24:00")]
    [InlineData("2026-03-14T09:26:47ZZ")]
    [InlineData("2026-O3-14T09:26:47Z")]
    [InlineData("+2026-03-14T09:26:47Z")]
    public void Rejects_what_is_not_such_a_timestamp(string text)
    {
        Assert.False(CriParser.IsTimestamp(Encoding.ASCII.GetBytes(text)));
    }
}
