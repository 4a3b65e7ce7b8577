using System.Buffers;
using NodeAgent.Delivery;
using NodeAgent.Shipping;
using NodeAgent.Tests.Parsing;
using static NodeAgent.Tests.Shipping.EcsDocumentWriterTests;

namespace NodeAgent.Tests.Shipping;

/// <summary>
/// A document costs work linear in its message, whatever the message holds (issue 11: no quadratic work on one line).
/// Each message is 8 times the other; the bound is three times that, so a loaded machine does not fail it and a
/// quadratic path cannot pass it.
/// </summary>
public sealed class EcsDocumentWriterLinearWorkTests
{
    [Theory]
    [InlineData("invalid")] // every other byte invalid UTF-8: \xNN escapes, one scalar at a time
    [InlineData("nul")] // NUL and other control characters: \u0000
    [InlineData("quotes")] // characters JSON escapes
    [InlineData("json")] // a JSON object, parsing on: past the field cap, flagged
    public void A_message_is_written_in_work_linear_in_its_length(string kind)
    {
        var context = PodFile.With(null, parseJson: true).Context;
        var buffer = new ArrayBufferWriter<byte>(8 << 20);
        LogRecord Record(int bytes)
        {
            var message = kind switch
            {
                "invalid" => [.. Enumerable.Range(0, bytes).Select(i => i % 2 == 0 ? (byte)'a' : (byte)0xFF)],
                "nul" => [.. Enumerable.Range(0, bytes).Select(i => (byte)(i % 3))],
                "quotes" => [.. Enumerable.Repeat((byte)'"', bytes)],
                _ => EcsDocumentWriterMessageTests.JsonObject(bytes / 11),
            };
            return new LogRecord("2026-11-28T10:15:00.000000001Z", LogStream.Stdout, message, 0, message.Length + 40, LogFlags.None);
        }

        LogRecord small = Record(128 * 1024), large = Record(1024 * 1024);
        void Write(LogRecord record)
        {
            buffer.ResetWrittenCount();
            EcsDocumentWriter.Write(buffer, record, context);
        }

        var ratio = Linearity.Ratio(() => Write(small), () => Write(large));
        Assert.True(ratio < 3 * 8, $"a message 8 times longer took {ratio:F1} times as long");
    }
}
