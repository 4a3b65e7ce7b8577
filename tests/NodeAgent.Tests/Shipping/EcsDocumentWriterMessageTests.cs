using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Shipping;
using static NodeAgent.Tests.Shipping.EcsDocumentWriterTests;

namespace NodeAgent.Tests.Shipping;

/// <summary>The message field: escaping, invalid UTF-8 kept as <c>\xNN</c>, NUL, size, and the allocation budget.</summary>
public sealed class EcsDocumentWriterMessageTests
{
    private static LogRecord Bytes(byte[] message, LogFlags flags = LogFlags.None) =>
        new("2026-11-28T10:15:00.000000001Z", LogStream.Stdout, message, 0, message.Length + 40, flags);

    private static (string Message, string[] Flags) MessageAndFlags(LogRecord record)
    {
        var doc = Parse(record, PodFile);
        var flags = doc.GetProperty("log").TryGetProperty("flags", out var array) ? array.EnumerateArray().Select(e => e.GetString()!).ToArray() : [];
        return (doc.GetProperty("message").GetString()!, flags);
    }

    /// <summary>What a reader of a flagged document does: every <c>\xNN</c> back to byte 0xNN.</summary>
    private static byte[] Recover(string message)
    {
        var utf8 = Encoding.UTF8.GetBytes(message);
        var bytes = new List<byte>(utf8.Length);
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == '\\' && i + 3 < utf8.Length && utf8[i + 1] == 'x'
                && byte.TryParse(utf8.AsSpan(i + 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 3;
            }
            else
            {
                bytes.Add(utf8[i]);
            }
        }

        return [.. bytes];
    }

    [Theory]
    [InlineData("41 FF 42", @"A\xffB")] // a byte never valid in UTF-8
    [InlineData("80", @"\x80")] // a continuation byte with no lead
    [InlineData("E2 82", @"\xe2\x82")] // a sequence cut short by the end of the message
    [InlineData("E2 82 41", @"\xe2\x82A")] // ...or by the next character
    [InlineData("C0 80", @"\xc0\x80")] // an overlong NUL
    [InlineData("ED A0 80", @"\xed\xa0\x80")] // an encoded surrogate
    [InlineData("F4 90 80 80", @"\xf4\x90\x80\x80")] // beyond U+10FFFF
    [InlineData("C3 A9 C3", @"é\xc3")] // valid text, then a lone lead byte
    [InlineData("F0 9F 98 80 FE", @"😀\xfe")] // a four-byte scalar kept whole
    public void Each_invalid_byte_is_kept_as_backslash_x_and_two_hex_digits(string hex, string expected)
    {
        var original = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        var (message, flags) = MessageAndFlags(Bytes(original));
        Assert.Equal(expected, message);
        Assert.Contains("invalid_utf8", flags);
        Assert.Equal(original, Recover(message));
    }

    [Fact]
    public void Valid_text_is_not_flagged_and_a_flag_the_parser_set_is_kept()
    {
        Assert.Empty(MessageAndFlags(Bytes("fine é"u8.ToArray())).Flags);
        Assert.Equal(["invalid_utf8"], MessageAndFlags(Bytes("already escaped"u8.ToArray(), LogFlags.InvalidUtf8)).Flags);
    }

    [Fact]
    public void Nul_is_json_escaped_and_flagged()
    {
        var record = Bytes([(byte)'a', 0, (byte)'b']);
        Assert.Contains("\"message\":\"a\\u0000b\"", Encoding.UTF8.GetString(WriteOne(record, PodFile)), StringComparison.Ordinal);
        var (message, flags) = MessageAndFlags(record);
        Assert.Equal("a\0b", message);
        Assert.Equal(["contains_nul"], flags);
    }

    [Fact]
    public void Control_characters_are_json_escaped_and_text_stays_utf8()
    {
        var record = Bytes(Encoding.UTF8.GetBytes("\u0001\u001b[31mred\t\"q\" \\ é 日本 <b>&amp;'\u007f"));
        var json = Encoding.UTF8.GetString(WriteOne(record, PodFile));
        Assert.Contains("\"message\":\"\\u0001\\u001B[31mred\\t\\\"q\\\" \\\\ é 日本 <b>&amp;'\\u007F\"", json, StringComparison.Ordinal);
        Assert.Equal("\u0001\u001b[31mred\t\"q\" \\ é 日本 <b>&amp;'\u007f", MessageAndFlags(record).Message);
    }

    [Fact]
    public void Random_bytes_come_back_from_a_flagged_document()
    {
        // Backslash is left out of the alphabet: a literal "\xNN" in the original is the one documented ambiguity.
        var random = new Random(20261128);
        byte[] alphabet = [.. Enumerable.Range(0, 256).Select(i => (byte)i).Where(b => b != (byte)'\\')];
        for (var round = 0; round < 500; round++)
        {
            var original = new byte[random.Next(0, 300)];
            for (var i = 0; i < original.Length; i++)
            {
                original[i] = random.Next(3) == 0 ? alphabet[random.Next(alphabet.Length)] : (byte)random.Next(0x20, 0x7F);
            }

            original = [.. original.Where(b => b != (byte)'\\')];
            var bytes = WriteOne(Bytes(original), PodFile);
            Assert.True(Utf8.IsValid(bytes));
            var (message, flags) = MessageAndFlags(Bytes(original));
            var recovered = flags.Contains("invalid_utf8") ? Recover(message) : Encoding.UTF8.GetBytes(message);
            Assert.Equal(original, recovered);
        }
    }

    [Fact]
    public void A_one_mebibyte_message_is_written_whole()
    {
        var random = new Random(7);
        var original = new byte[1024 * 1024];
        for (var i = 0; i < original.Length; i++)
        {
            // Mostly letters, with quotes and newlines so the escaping path runs over the whole length.
            original[i] = (i % 97) switch { 0 => (byte)'"', 1 => (byte)'\n', _ => (byte)random.Next('a', 'z' + 1) };
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        EcsDocumentWriter.Write(buffer, Bytes(original, LogFlags.Truncated), PodFile.Context);
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        Assert.Equal(Encoding.UTF8.GetString(original), doc.RootElement.GetProperty("message").GetString());
        Assert.Equal("truncated", doc.RootElement.GetProperty("log").GetProperty("flags")[0].GetString());
        Assert.Equal("node-a", doc.RootElement.GetProperty("host").GetProperty("name").GetString());
    }

    [Fact]
    public void A_one_mebibyte_message_of_invalid_bytes_grows_fourfold_and_comes_back()
    {
        var original = new byte[1024 * 1024];
        Array.Fill(original, (byte)0xFF);
        var (message, flags) = MessageAndFlags(Bytes(original));
        Assert.Equal(4 * original.Length, message.Length);
        Assert.StartsWith(@"\xff\xff", message, StringComparison.Ordinal);
        Assert.Equal(["invalid_utf8"], flags);
        Assert.Equal(original, Recover(message));
    }

    /// <summary>A JSON object of <paramref name="keys"/> distinct keys: <c>{"k0":1,"k1":1,...}</c>.</summary>
    internal static byte[] JsonObject(int keys)
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < keys; i++)
        {
            text.Append(i == 0 ? "\"k" : ",\"k").Append(i).Append("\":1");
        }

        return Encoding.UTF8.GetBytes(text.Append('}').ToString());
    }

    [Fact]
    public void A_json_message_of_a_mebibyte_of_keys_ships_unparsed_and_flagged_within_a_second()
    {
        // What any pod can write once it has the parse annotation: ~1 MiB, 95,000 keys (3.9 s for 60,000 keys when
        // every pair of names was compared).
        var message = JsonObject(95_000);
        Assert.InRange(message.Length, 1_000_000, 1 << 20);
        var context = PodFile.With(null, parseJson: true);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var bytes = WriteOne(Bytes(message), context);
        var elapsed = started.Elapsed;

        using var doc = JsonDocument.Parse(bytes);
        Assert.False(doc.RootElement.TryGetProperty("json", out _));
        Assert.Equal(Encoding.UTF8.GetString(message), doc.RootElement.GetProperty("message").GetString());
        Assert.Equal(["json_too_many_fields"], doc.RootElement.GetProperty("log").GetProperty("flags").EnumerateArray().Select(e => e.GetString()));
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void A_json_message_at_the_field_cap_is_parsed_and_one_past_it_is_flagged()
    {
        var context = PodFile.With(null, parseJson: true);
        var atCap = Parse(Bytes(JsonObject(1000)), context);
        Assert.Equal(1000, atCap.GetProperty("json").EnumerateObject().Count());
        Assert.False(atCap.GetProperty("log").TryGetProperty("flags", out _));

        var pastCap = Parse(Bytes(JsonObject(1001)), context);
        Assert.False(pastCap.TryGetProperty("json", out _));
        Assert.Equal(["json_too_many_fields"], pastCap.GetProperty("log").GetProperty("flags").EnumerateArray().Select(e => e.GetString()));

        // Without parsing the size of a JSON message is nobody's business.
        Assert.False(Parse(Bytes(JsonObject(1001)), PodFile).GetProperty("log").TryGetProperty("flags", out _));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("escaped")]
    [InlineData("invalid")]
    public void The_steady_state_allocates_nothing_per_document(string kind)
    {
        // A typical ~130-byte CRI message body, one that needs JSON escapes, and one with invalid UTF-8.
        var message = kind switch
        {
            "plain" => "10.42.0.1 - - [28/Nov/2026:10:15:00 +0000] \"GET /api/v1/items?page=2 HTTP/1.1\" 200 5123 \"-\" \"curl/8.5.0\""u8.ToArray(),
            "escaped" => "{\"level\":\"info\",\"msg\":\"line\\n\\tnext\",\"user\":\"é\"}\u0001\t\"quoted\""u8.ToArray(),
            _ => (byte[])[.. "prefix "u8, 0xFF, 0xC3, .. " suffix with ordinary text to make it longer than a few bytes"u8],
        };
        var record = new LogRecord("2026-11-28T10:15:00.123456789Z", LogStream.Stderr, message, 123_456, 123_600, LogFlags.Truncated);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        for (var i = 0; i < 1000; i++)
        {
            buffer.ResetWrittenCount();
            EcsDocumentWriter.Write(buffer, record, PodFile.Context);
        }

        const int Documents = 10_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Documents; i++)
        {
            buffer.ResetWrittenCount();
            EcsDocumentWriter.Write(buffer, record, PodFile.Context);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < Documents / 10, $"{allocated} bytes allocated for {Documents} documents ({(double)allocated / Documents:F2} per document)");
        Assert.True(buffer.WrittenCount > message.Length);
    }
}
