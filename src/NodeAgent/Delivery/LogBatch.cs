namespace NodeAgent.Delivery;

/// <summary>
/// Records of one file handed to the output together, with what the output needs and nothing more: the key their
/// document ids derive from, the context their documents are written with (encoded with the configured target), and
/// the file's acknowledgement watermark, through which each record is acknowledged on its own once it is stored or
/// dead-lettered (<see cref="AckWatermark.Acknowledge"/>, with the record's <see cref="LogRecord.StartOffset"/>).
/// Never the file's reader: its state belongs to the reading loop alone.
/// </summary>
/// <param name="IsOwnLog">Lines of the agent's own log files: an output never logs a warning about one of them, so
/// shipping them cannot make the agent log more lines (a feedback loop).</param>
internal sealed record LogBatch(DocumentIdKey IdKey, DocumentContext Context, IReadOnlyList<LogRecord> Records, AckWatermark Acks, bool IsOwnLog = false);
