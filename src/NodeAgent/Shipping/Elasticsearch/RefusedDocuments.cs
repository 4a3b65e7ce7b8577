using System.Text.Json;
using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;
using NodeAgent.Telemetry;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>
/// Documents that will never be stored as they are: written to the dead-letter file with the reason, counted, and
/// warned about at most once a minute per kind, never for the agent's own log lines (so a shipped line cannot make the
/// agent log more lines). The caller acknowledges them, so they neither block their file nor come back after a restart.
/// </summary>
internal sealed partial class RefusedDocuments(DeadLetterFile file, string target, ElasticsearchStatistics statistics, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private readonly LogRateLimit _warnings = new(time, WarningInterval);

    /// <summary>A record that cannot become a document at all (an index date it cannot name), as it was read.</summary>
    public void Unencodable(LogBatch batch, LogRecord record, string reason)
    {
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

        Write(document.WrittenSpan, new BulkItemResult(0, "encoding_failed", reason), batch.Context.FilePath, record.StartOffset, batch.IsOwnLog);
    }

    /// <summary>An item Elasticsearch refused for good: its document as sent, with the error.</summary>
    public void DeadLetter(BulkRequest request, BulkItem item, BulkItemResult result)
    {
        var lines = request.Body.Span.Slice(item.BodyStart, item.BodyLength);
        var document = lines[(lines.IndexOf((byte)'\n') + 1)..].TrimEnd((byte)'\n');
        Write(document, result, item.Context.FilePath, item.StartOffset, item.IsOwnLog);
    }

    /// <summary>An item refused with the fields parsed from its JSON message: it goes again without them.</summary>
    public void JsonRefused(BulkItem item, BulkItemResult result)
    {
        statistics.Documents("json_refused");
        if (ShouldWarn(item.IsOwnLog, "json_refused", out var unsaid))
        {
            Log.JsonRefused(logger, result.Status, result.ErrorType ?? "", result.ErrorReason ?? "", item.Context.FilePath, item.StartOffset, unsaid);
        }
    }

    private void Write(ReadOnlySpan<byte> document, BulkItemResult result, string path, long offset, bool isOwnLog)
    {
        try
        {
            file.Write(document, result, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_warnings.ShouldLog("dead_letter_failed", out var unsaid))
            {
                Log.DeadLetterFailed(logger, file.FilePath, e.Message, unsaid);
            }
        }

        statistics.Documents("dead_lettered");
        statistics.DeadLettered(result.ErrorType ?? result.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (ShouldWarn(isOwnLog, "dead_lettered", out var suppressed))
        {
            Log.DeadLettered(logger, result.Status, result.ErrorType ?? "", result.ErrorReason ?? "", path, offset, suppressed);
        }
    }

    private bool ShouldWarn(bool isOwnLog, string kind, out long unsaid)
    {
        unsaid = 0;
        return !isOwnLog && _warnings.ShouldLog(kind, out unsaid);
    }

    private static partial class Log
    {
        [LoggerMessage(902, LogLevel.Warning, "a document was refused ({Status} {Type}: {Reason}) from {Path} at offset {Offset}; written to the dead-letter file ({Unsaid} more since the last such warning, said at most once a minute)", EventName = "DocumentDeadLettered")]
        public static partial void DeadLettered(ILogger logger, int status, string type, string reason, string path, long offset, long unsaid);

        [LoggerMessage(904, LogLevel.Warning, "Elasticsearch refused a document with fields parsed from its JSON message ({Status} {Type}: {Reason}) from {Path} at offset {Offset}; sending it again without them ({Unsaid} more since the last such warning, said at most once a minute)", EventName = "ParsedJsonRefused")]
        public static partial void JsonRefused(ILogger logger, int status, string type, string reason, string path, long offset, long unsaid);

        [LoggerMessage(903, LogLevel.Error, "cannot write the dead-letter file {Path}: {Reason} ({Unsaid} more since, said at most once a minute)", EventName = "DeadLetterFailed")]
        public static partial void DeadLetterFailed(ILogger logger, string path, string reason, long unsaid);
    }
}
