namespace NodeAgent.Delivery;

internal enum LogStream
{
    Stdout,
    Stderr,
}

/// <summary>What happened to a message on its way from the file; shipped as <c>log.flags</c> (as Filebeat does).</summary>
[Flags]
internal enum LogFlags
{
    None = 0,

    /// <summary>Cut at <c>Logs:MaxMessageBytes</c>, or a physical line longer than <c>Logs:MaxLineBytes</c> split.</summary>
    Truncated = 1,

    /// <summary>A CRI <c>P</c> or docker piece whose end never came: flushed after the partial timeout.</summary>
    PartialFlushed = 2,

    /// <summary>Bytes that are not UTF-8, shipped escaped.</summary>
    InvalidUtf8 = 4,

    /// <summary>The line does not follow the file's format; shipped whole as the message.</summary>
    Malformed = 8,

    /// <summary>The message holds NUL bytes.</summary>
    ContainsNul = 16,

    /// <summary>JSON parsing was on and the message is a JSON object with more property names than Elasticsearch's
    /// default field limit: shipped unparsed (set by the document writer, see <c>Shipping.JsonMessage</c>).</summary>
    JsonTooManyFields = 32,
}

/// <summary>
/// One complete log message, ready to become one document: partial lines joined, with where its bytes lie in the
/// file (DELIVERY.md rule 2: the watermark cannot pass <see cref="StartOffset"/> until this record is acknowledged).
/// A value, and its bytes live in the file's <see cref="RecordArena"/>: no allocation per line; the bytes are valid
/// until the file is read again.
/// </summary>
/// <param name="Timestamp">The runtime's timestamp text (RFC 3339 with its nanoseconds), as written in the file, in
/// ASCII; empty when the line had none.</param>
/// <param name="Message">The message bytes, without the trailing newline; may hold invalid UTF-8 (see flags).</param>
/// <param name="StartOffset">Offset of the first byte of the first physical line of the message.</param>
/// <param name="EndOffset">Offset just past the last byte (newline included) of the last physical line.</param>
internal readonly record struct LogRecord(ReadOnlyMemory<byte> Timestamp, LogStream Stream, ReadOnlyMemory<byte> Message, long StartOffset, long EndOffset, LogFlags Flags)
{
    /// <summary>For tests and diagnostics (allocates): a record from text.</summary>
    public LogRecord(string timestamp, LogStream stream, ReadOnlyMemory<byte> message, long startOffset, long endOffset, LogFlags flags)
        : this(System.Text.Encoding.ASCII.GetBytes(timestamp), stream, message, startOffset, endOffset, flags)
    {
    }

    /// <summary>The timestamp as text (allocates: for tests and diagnostics).</summary>
    public string TimestampText => System.Text.Encoding.ASCII.GetString(Timestamp.Span);
}
