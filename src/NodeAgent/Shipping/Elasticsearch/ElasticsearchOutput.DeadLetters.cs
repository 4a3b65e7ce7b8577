using System.Text.Json;
using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>What the output does with a document that will never be stored: written to the dead-letter file with its
/// reason, counted, acknowledged; said in the log at most once a minute, never for the agent's own lines.</summary>
internal sealed partial class ElasticsearchOutput
{
    /// <summary>A record that cannot become a document at all is dead-lettered alone, as it was read, with the reason;
    /// it is acknowledged, so it neither blocks its file nor comes back after a restart.</summary>
    private void Unencodable(LogBatch batch, LogRecord record, string reason)
    {
        var result = new BulkItemResult(0, "encoding_failed", reason);
        var document = new System.Buffers.ArrayBufferWriter<byte>(record.Message.Length + 256);
        using (var json = new Utf8JsonWriter(document, EcsDocumentWriter.Options))
        {
            json.WriteStartObject();
            json.WriteString("@timestamp"u8, record.Timestamp.Span);
            json.WriteString("message"u8, record.Message.Span);
            json.WriteStartObject("log"u8);
            json.WriteNumber("offset"u8, record.StartOffset);
            json.WriteStartObject("file"u8);
            json.WriteString("path"u8, batch.Context.FilePath);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        WriteDeadLetter(document.WrittenSpan, result, batch.Context.FilePath, record.StartOffset, batch.IsOwnLog);
        batch.Acks.Acknowledge(record.StartOffset);
    }

    private void DeadLetter(BulkRequest request, BulkItem item, BulkItemResult result)
    {
        var lines = request.Body.Span.Slice(item.BodyStart, item.BodyLength);
        var document = lines[(lines.IndexOf((byte)'\n') + 1)..].TrimEnd((byte)'\n');
        WriteDeadLetter(document, result, item.Context.FilePath, item.StartOffset, item.IsOwnLog);
    }

    private void WriteDeadLetter(ReadOnlySpan<byte> document, BulkItemResult result, string path, long offset, bool isOwnLog)
    {
        try
        {
            _deadLetters.Write(document, result, _client.Target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_documentWarnings.ShouldLog("dead_letter_failed", out var unsaid))
            {
                Log.DeadLetterFailed(_logger, _deadLetters.FilePath, e.Message, unsaid);
            }
        }

        _statistics.Documents("dead_lettered");
        _statistics.DeadLettered(result.ErrorType ?? result.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (ShouldWarn(isOwnLog, "dead_lettered", out var suppressed))
        {
            Log.DeadLettered(_logger, result.Status, result.ErrorType ?? "", result.ErrorReason ?? "", path, offset, suppressed);
        }
    }

    /// <summary>Per-document warnings: at most one a minute of each kind, and none for the agent's own lines.</summary>
    private bool ShouldWarn(bool isOwnLog, string kind, out long unsaid)
    {
        unsaid = 0;
        return !isOwnLog && _documentWarnings.ShouldLog(kind, out unsaid);
    }
}
