using System.Buffers;
using System.Text.Json;
using System.Text;
using NodeAgent.Delivery;

namespace NodeAgent.Parsing;

/// <summary>One docker json-file line: where its time is in the line, its stream, and whether its message is a piece.</summary>
/// <param name="Partial">The <c>log</c> value did not end in '\n': docker cut the line (its copier splits messages
/// over 16 KiB) and the next line of the same stream continues it.</param>
internal readonly record struct DockerLine(Range Timestamp, LogStream Stream, bool Partial);

/// <summary>
/// Docker's json-file log driver (moby daemon/logger/jsonfilelog/jsonlog): one JSON object per line,
/// <c>{"log":"...\n","stream":"stdout","attrs":{...},"time":"2026-...Z"}</c>. <c>log</c> is the raw output with its
/// newline, JSON-escaped (docker also escapes &lt; &gt; &amp; U+2028 U+2029 as \uXXXX and replaces invalid UTF-8 with
/// \ufffd) and omitted when empty; <c>time</c> is Go's RFC3339Nano; <c>attrs</c> and unknown keys are ignored.
/// </summary>
internal static class DockerJsonParser
{
    /// <summary>
    /// Parses a line and writes the unescaped <c>log</c> value, without its trailing '\n', to
    /// <paramref name="message"/> (null: validate only). False for anything that is not such an object (bad JSON,
    /// no or bad time, a stream other than stdout/stderr, a duplicated key): the caller then discards whatever was
    /// written and keeps the raw line, flagged malformed. An absent <c>log</c> is an empty piece, as docker omits an
    /// empty value.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, IBufferWriter<byte>? message, out DockerLine result)
    {
        result = default;
        var trimmed = line.TrimEnd("\r\t "u8);
        // Cheap rejection before the JSON reader (which throws on bad input): a docker line is one object.
        if (trimmed.IsEmpty || trimmed[0] != '{' || trimmed[^1] != '}')
        {
            return false;
        }

        try
        {
            return Parse(trimmed, message, out result);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Parse(ReadOnlySpan<byte> line, IBufferWriter<byte>? message, out DockerLine result)
    {
        result = default;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        bool seenLog = false, partial = true;
        LogStream? stream = null;
        Range? time = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("log"u8))
            {
                if (seenLog || !reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                seenLog = true;
                if (!Unescape(reader.ValueSpan, reader.ValueIsEscaped, message, out partial))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                if (stream is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                stream = reader.ValueTextEquals("stdout"u8) ? LogStream.Stdout
                    : reader.ValueTextEquals("stderr"u8) ? LogStream.Stderr
                    : null;
                if (stream is null)
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                // Docker's time is plain ASCII and never escaped; its text is kept as written (with its nanoseconds).
                if (time is not null || !reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
                    || !CriParser.IsTimestamp(reader.ValueSpan))
                {
                    return false;
                }

                // The token starts at the opening quote.
                var start = (int)reader.TokenStartIndex + 1;
                time = new Range(start, start + reader.ValueSpan.Length);
            }
            else if (!reader.Read() || !reader.TrySkip())
            {
                return false;
            }
        }

        // The object must be closed and be the whole line.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || stream is null || time is null)
        {
            return false;
        }

        result = new DockerLine(time.Value, stream.Value, partial);
        return true;
    }

    /// <summary>
    /// Writes a JSON string's content, unescaped, without a final '\n' (whose absence marks a piece). Raw bytes pass
    /// through unchanged, invalid UTF-8 included (the decoder flags it); a lone surrogate escape becomes U+FFFD, as
    /// Go's decoder does.
    /// </summary>
    private static bool Unescape(ReadOnlySpan<byte> raw, bool escaped, IBufferWriter<byte>? message, out bool partial)
    {
        if (!escaped)
        {
            // A raw '\n' cannot occur inside a JSON string, so an unescaped value never ends a line.
            message?.Write(raw);
            partial = true;
            return true;
        }

        partial = !raw.EndsWith("\\n"u8) || TrailingBackslashes(raw[..^1]) % 2 == 0;
        if (!partial)
        {
            raw = raw[..^2];
        }

        if (message is null)
        {
            return true;
        }

        // Every escape is at least as long as what it stands for, so the output fits in the input's length.
        var output = message.GetSpan(raw.Length);
        var written = 0;
        while (!raw.IsEmpty)
        {
            var backslash = raw.IndexOf((byte)'\\');
            if (backslash < 0)
            {
                raw.CopyTo(output[written..]);
                written += raw.Length;
                break;
            }

            raw[..backslash].CopyTo(output[written..]);
            written += backslash;
            raw = raw[backslash..];
            if (raw.Length < 2)
            {
                return false;
            }

            var consumed = 2;
            switch (raw[1])
            {
                case (byte)'n': output[written++] = (byte)'\n'; break;
                case (byte)'r': output[written++] = (byte)'\r'; break;
                case (byte)'t': output[written++] = (byte)'\t'; break;
                case (byte)'b': output[written++] = (byte)'\b'; break;
                case (byte)'f': output[written++] = (byte)'\f'; break;
                case (byte)'"' or (byte)'\\' or (byte)'/': output[written++] = raw[1]; break;
                case (byte)'u':
                    if (!UnescapeUnicode(raw, output[written..], out consumed, out var length))
                    {
                        return false;
                    }

                    written += length;
                    break;
                default:
                    return false;
            }

            raw = raw[consumed..];
        }

        message.Advance(written);
        return true;
    }

    private static bool UnescapeUnicode(ReadOnlySpan<byte> raw, Span<byte> output, out int consumed, out int length)
    {
        consumed = 6;
        length = 0;
        if (!Hex(raw, out var code))
        {
            return false;
        }

        if (char.IsHighSurrogate((char)code) && raw.Length >= 12 && raw[6] == '\\' && raw[7] == 'u'
            && Hex(raw[6..], out var low) && char.IsLowSurrogate((char)low))
        {
            consumed = 12;
            return new Rune((char)code, (char)low).TryEncodeToUtf8(output, out length);
        }

        var rune = Rune.IsValid(code) ? new Rune(code) : Rune.ReplacementChar;
        return rune.TryEncodeToUtf8(output, out length);
    }

    // "\uXXXX" at the start of raw.
    private static bool Hex(ReadOnlySpan<byte> raw, out int code)
    {
        code = 0;
        if (raw.Length < 6)
        {
            return false;
        }

        foreach (var b in raw.Slice(2, 4))
        {
            var digit = char.IsAsciiDigit((char)b) ? b - '0'
                : b is >= (byte)'a' and <= (byte)'f' ? b - 'a' + 10
                : b is >= (byte)'A' and <= (byte)'F' ? b - 'A' + 10
                : -1;
            if (digit < 0)
            {
                return false;
            }

            code = (code << 4) | digit;
        }

        return true;
    }

    private static int TrailingBackslashes(ReadOnlySpan<byte> raw)
    {
        var count = 0;
        while (count < raw.Length && raw[raw.Length - 1 - count] == '\\')
        {
            count++;
        }

        return count;
    }
}
