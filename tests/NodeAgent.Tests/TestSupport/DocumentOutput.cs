using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using NodeAgent.Shipping;
using NodeAgent.Tailing;

namespace NodeAgent.Tests.TestSupport;

/// <summary>An output for the real reading loop that encodes each record as the Elasticsearch output would, with the
/// file's context at send time, keeps the documents and acknowledges every record at once.</summary>
internal sealed class DocumentOutput(Acknowledgements acknowledgements) : ILogOutput
{
    public ConcurrentQueue<JsonElement> Documents { get; } = [];

    public ValueTask SendAsync(LogBatch batch, CancellationToken cancellation)
    {
        foreach (var record in batch.Records)
        {
            var buffer = new ArrayBufferWriter<byte>();
            EcsDocumentWriter.Write(buffer, record, batch.Tail.Context);
            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            Documents.Enqueue(document.RootElement.Clone());
            acknowledgements.Delivered(batch.Tail, record);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellation) => ValueTask.CompletedTask;
}
