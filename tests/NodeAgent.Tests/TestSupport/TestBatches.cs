using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;

namespace NodeAgent.Tests.TestSupport;

/// <summary>Batches as the reading loop hands them out, without a file: the records registered with a watermark, so
/// a test reads what was acknowledged from <see cref="AckWatermark.Committed"/>.</summary>
internal static class TestBatches
{
    public const int LineBytes = 100;

    public static DocumentContext Context(string path = "/var/log/pods/shop_web_1/app/0.log", bool parseJson = false) =>
        DocumentFields.Create("node-a", path, null, parseJson: parseJson).Context;

    /// <summary>One record per message, <see cref="LineBytes"/> apart from <paramref name="firstOffset"/>.</summary>
    public static LogBatch Of(AckWatermark acks, long firstOffset, params string[] messages) => Of(acks, Context(), firstOffset, messages);

    public static LogBatch Of(AckWatermark acks, DocumentContext context, long firstOffset, params string[] messages)
    {
        var records = messages.Select((m, i) => new LogRecord("2026-12-07T10:15:00.000000001Z", LogStream.Stdout, Encoding.UTF8.GetBytes(m),
            firstOffset + (i * LineBytes), firstOffset + ((i + 1) * LineBytes), LogFlags.None)).ToList();
        foreach (var record in records)
        {
            acks.Register(record.StartOffset, record.EndOffset);
        }

        acks.Reading(null, firstOffset + (messages.Length * LineBytes));
        return new LogBatch(new DocumentIdKey(7, 11), context, records, acks);
    }
}
