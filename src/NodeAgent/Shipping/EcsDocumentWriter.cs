using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using System.Text;
using NodeAgent.Delivery;

namespace NodeAgent.Shipping;

/// <summary>
/// Encodes one <see cref="LogRecord"/> as one compact ECS JSON document (the fields of CONTRACT.md, nested objects as
/// the ECS field reference shows them). Pure: bytes in, bytes out; the caller owns framing (the bulk action line and
/// the newline of NDJSON).
/// </summary>
/// <remarks>
/// <para>Per document only the record's fields are encoded: <c>@timestamp</c>, <c>message</c>, <c>stream</c> (not
/// for a plain file's lines),
/// <c>log.offset</c> and <c>log.flags</c>. Everything else is the file's <see cref="DocumentContext.EncodedTail"/>,
/// copied as bytes. The <see cref="Utf8JsonWriter"/> is one per thread and reset per document, and writes straight
/// into the caller's buffer: the steady state allocates nothing.</para>
/// <para>Invalid UTF-8 is kept, not replaced by U+FFFD (which <see cref="Utf8JsonWriter"/> would do and which loses
/// the bytes): each byte of an ill-formed sequence becomes the four characters <c>\xNN</c> (lower-case hex, as
/// Python's <c>backslashreplace</c> writes), and <c>log.flags</c> says <c>invalid_utf8</c>. A reader of a flagged
/// message gets the original bytes back by turning every <c>\xNN</c> into byte 0xNN (a message that also held the
/// literal text <c>\xNN</c> is the one ambiguous case, and only in a flagged document). NUL and the other control
/// characters are valid UTF-8 and are JSON-escaped (<c>\u0000</c>), which is lossless.</para>
/// </remarks>
/// <summary>Where a document's parsed <c>,"json":{...}</c> member lies, from the document's first byte.</summary>
internal readonly record struct JsonMember(int Start, int Length)
{
    public bool IsEmpty => Length == 0;
}

internal static class EcsDocumentWriter
{
    /// <summary>
    /// Documents are never embedded in HTML, so only what JSON itself requires is escaped (quote, backslash, control
    /// characters) and non-ASCII text stays UTF-8. Characters outside the Basic Multilingual Plane are still written
    /// as <c>\uXXXX</c> surrogate pairs by this encoder: valid JSON that decodes to the same text.
    /// </summary>
    public static JsonWriterOptions Options { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private static readonly JsonEncodedText Timestamp = Encode("@timestamp");
    private static readonly JsonEncodedText Message = Encode("message");
    private static readonly JsonEncodedText StreamName = Encode("stream");
    private static readonly JsonEncodedText Log = Encode("log");
    private static readonly JsonEncodedText JsonField = Encode("json");
    private static readonly JsonEncodedText Offset = Encode("offset");
    private static readonly JsonEncodedText FlagsName = Encode("flags");
    private static readonly JsonEncodedText Stdout = Encode("stdout");
    private static readonly JsonEncodedText Stderr = Encode("stderr");

    /// <summary>The <c>log.flags</c> values in bit order (Filebeat's <c>log.flags</c> is an array of keywords too).</summary>
    private static readonly (LogFlags Flag, JsonEncodedText Text)[] FlagTexts =
    [
        (LogFlags.Truncated, Encode("truncated")),
        (LogFlags.PartialFlushed, Encode("partial_flushed")),
        (LogFlags.InvalidUtf8, Encode("invalid_utf8")),
        (LogFlags.Malformed, Encode("malformed")),
        (LogFlags.ContainsNul, Encode("contains_nul")),
        (LogFlags.JsonTooManyFields, Encode("json_too_many_fields")),
    ];

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// Appends one document to <paramref name="output"/>. The flags written are the record's, plus
    /// <c>invalid_utf8</c> and <c>contains_nul</c> when the message shows them, so a document never hides an escape,
    /// and <c>json_too_many_fields</c> when parsing was on and the message was left unparsed for its size.
    /// </summary>
    /// <returns>Where the parsed <c>,"json":{...}</c> member lies in the document (from its first byte), so that a
    /// document Elasticsearch refuses for those fields can be sent again without them; empty when there is none.</returns>
    public static JsonMember Write(IBufferWriter<byte> output, LogRecord record, DocumentContext context)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(context);

        var message = record.Message.Span;
        var valid = Utf8.IsValid(message);
        var flags = record.Flags;
        if (!valid)
        {
            flags |= LogFlags.InvalidUtf8;
        }

        if (message.Contains((byte)0))
        {
            flags |= LogFlags.ContainsNul;
        }

        var parsed = context.ParseJson && valid ? JsonMessage.Classify(message) : JsonMessageKind.NotObject;
        if (parsed == JsonMessageKind.TooManyFields)
        {
            // More fields than an index takes by default: mapping them would fail, or crowd out every other field.
            flags |= LogFlags.JsonTooManyFields;
        }

        var json = t_writer;
        if (json is null)
        {
            json = t_writer = new Utf8JsonWriter(output, Options);
        }
        else
        {
            json.Reset(output);
        }

        try
        {
            json.WriteStartObject();
            json.WriteString(Timestamp, record.Timestamp.Span);
            if (valid)
            {
                json.WriteString(Message, message);
            }
            else
            {
                WriteEscapedMessage(json, message);
            }

            if (context.HasStream)
            {
                json.WriteString(StreamName, record.Stream == LogStream.Stderr ? Stderr : Stdout);
            }

            var member = default(JsonMember);
            if (parsed == JsonMessageKind.Object)
            {
                // Under "json", never at the top: a message's own "@timestamp", "message" or "kubernetes" cannot
                // clash with the agent's fields or their mapping. The bytes were just validated: copied as they are.
                // The member starts at its separating comma, so cutting it out leaves a valid document.
                var before = json.BytesCommitted + json.BytesPending;
                json.WritePropertyName(JsonField);
                json.WriteRawValue(message, skipInputValidation: true);
                member = new JsonMember((int)before, (int)(json.BytesCommitted + json.BytesPending - before));
            }

            json.WriteStartObject(Log);
            json.WriteNumber(Offset, record.StartOffset);
            if (flags != LogFlags.None)
            {
                json.WriteStartArray(FlagsName);
                foreach (var (flag, text) in FlagTexts)
                {
                    if ((flags & flag) != 0)
                    {
                        json.WriteStringValue(text);
                    }
                }

                json.WriteEndArray();
            }

            // The writer's objects stay open: the tail closes "log" and the document.
            json.Flush();
            output.Write(context.EncodedTail);
            return member;
        }
        finally
        {
            // Drop the reference to the caller's buffer so a pooled one is not kept alive by this thread.
            json.Reset(NoOutput.Instance);
        }
    }

    /// <summary>Writes the message with each byte of every ill-formed UTF-8 sequence replaced by <c>\xNN</c>.</summary>
    private static void WriteEscapedMessage(Utf8JsonWriter json, ReadOnlySpan<byte> message)
    {
        // Worst case every byte becomes four; rare (only flagged messages come here), so a pooled buffer is fine.
        var rented = ArrayPool<byte>.Shared.Rent(checked(message.Length * 4));
        try
        {
            var length = ReplaceInvalidUtf8(message, rented);
            json.WriteString(Message, rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    internal static int ReplaceInvalidUtf8(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var written = 0;
        while (!source.IsEmpty)
        {
            // Copy the ASCII run in one go, then decode one scalar (or one ill-formed subsequence, Unicode's
            // "maximal subpart": Rune.DecodeFromUtf8 reports how many bytes it spans).
            var ascii = source.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (ascii < 0)
            {
                ascii = source.Length;
            }

            source[..ascii].CopyTo(destination[written..]);
            written += ascii;
            source = source[ascii..];
            if (source.IsEmpty)
            {
                break;
            }

            var status = Rune.DecodeFromUtf8(source, out _, out var consumed);
            if (status == OperationStatus.Done)
            {
                source[..consumed].CopyTo(destination[written..]);
                written += consumed;
            }
            else
            {
                foreach (var b in source[..consumed])
                {
                    destination[written++] = (byte)'\\';
                    destination[written++] = (byte)'x';
                    destination[written++] = HexDigit(b >> 4);
                    destination[written++] = HexDigit(b & 0xF);
                }
            }

            source = source[consumed..];
        }

        return written;
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    private static JsonEncodedText Encode(string text) => JsonEncodedText.Encode(text, Options.Encoder);

    /// <summary>Where the idle per-thread writer points between documents; it never asks it for memory.</summary>
    private sealed class NoOutput : IBufferWriter<byte>
    {
        public static readonly NoOutput Instance = new();

        public void Advance(int count) => throw new InvalidOperationException("no output");

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new InvalidOperationException("no output");

        public Span<byte> GetSpan(int sizeHint = 0) => throw new InvalidOperationException("no output");
    }
}
