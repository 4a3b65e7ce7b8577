using System.Text.Json;
using NodeAgent.Delivery;

namespace NodeAgent.Shipping.Elasticsearch;

/// <summary>
/// Documents Elasticsearch refused for good (a 4xx other than 409 and 429: a mapping or parsing error), one JSON line
/// each with the error, in <c>Logs:StatePath/dead-letter.ndjson</c> (DELIVERY.md: rejected documents are written
/// with the error, then count as delivered, so a bad document neither loops forever nor vanishes). Capped at
/// <see cref="MaxBytes"/>: the full file is renamed to <c>.1</c> (the previous <c>.1</c> is dropped). Whole log lines:
/// the file is created 0600 in a 0700 directory (<see cref="StateDirectory"/>), never readable by other host users.
/// </summary>
internal sealed class DeadLetterFile(string statePath, TimeProvider time)
{
    public const string FileName = StateDirectory.DeadLetterFileName;
    public const long MaxBytes = 64L * 1024 * 1024;

    private readonly Lock _lock = new();

    public string FilePath { get; } = Path.Combine(statePath, FileName);

    /// <summary>Appends one document (its ECS JSON as sent) with the status and error; throws IOException when the
    /// file cannot be written (the caller counts and logs it).</summary>
    public void Write(ReadOnlySpan<byte> document, BulkItemResult result, string target)
    {
        lock (_lock)
        {
            StateDirectory.Create(Path.GetDirectoryName(FilePath)!);
            if (File.Exists(FilePath) && new FileInfo(FilePath).Length >= MaxBytes)
            {
                File.Move(FilePath, FilePath + ".1", overwrite: true);
            }

            using var stream = StateDirectory.OpenWrite(FilePath, FileMode.Append, FileShare.Read);
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("time"u8, time.GetUtcNow().UtcDateTime);
                json.WriteString("target"u8, target);
                json.WriteNumber("status"u8, result.Status);
                json.WriteString("error_type"u8, result.ErrorType);
                json.WriteString("error_reason"u8, result.ErrorReason);
                json.WritePropertyName("document"u8);
                json.WriteRawValue(document, skipInputValidation: true);
                json.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }
    }
}
