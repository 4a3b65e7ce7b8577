using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using NodeAgent.Delivery;
using NodeAgent.Shipping;

namespace NodeAgent.Tests.TestSupport;

/// <summary>
/// The one fake output of the unit tests, for the real reading loop. It keeps what it is given as a real output does
/// (a copy: the records' bytes are the reader's again once <see cref="SendAsync"/> returns; the document encoded with
/// the batch's context, as the Elasticsearch output would; the bytes counted in the budget) and acknowledges each
/// record through the batch's handle — at once, or as Elasticsearch is while slow or down: only on
/// <see cref="Release"/> while <see cref="Stalled"/>. It throws on the calls listed in <see cref="FailOnCalls"/>,
/// having taken nothing.
/// </summary>
internal sealed class TestOutput(BufferBudget? budget = null) : ILogOutput
{
    private readonly ConcurrentQueue<(LogBatch Batch, Delivery[] Copies, long Bytes)> _held = new();
    private int _calls;

    /// <summary>One record as the output got it.</summary>
    public sealed record Delivery(string Path, LogRecord Record, string Id, JsonElement Document)
    {
        public string Message => Encoding.UTF8.GetString(Record.Message.Span);
    }

    /// <summary>Every record acknowledged so far, in the order acknowledged.</summary>
    public ConcurrentQueue<Delivery> Delivered { get; } = new();

    public IEnumerable<JsonElement> Documents => Delivered.Select(d => d.Document);

    public IEnumerable<string> Messages => Delivered.Select(d => d.Message);

    public IReadOnlyDictionary<string, int> DeliveredByFile =>
        Delivered.GroupBy(d => d.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public IReadOnlyList<(string Path, string Message)> Received => [.. Delivered.Select(d => (d.Path, d.Message))];

    public IReadOnlyList<long> DeliveredOffsets => [.. Delivered.Select(d => d.Record.StartOffset)];

    public IReadOnlyList<(string File, long End)> DeliveredEnds => [.. Delivered.Select(d => (d.Path, d.Record.EndOffset))];

    public HashSet<int> FailOnCalls { get; init; } = [];

    public bool Stalled { get; set; }

    public ValueTask SendAsync(LogBatch batch, CancellationToken cancellation)
    {
        if (FailOnCalls.Contains(Interlocked.Increment(ref _calls)))
        {
            throw new IOException("the output failed to take this batch");
        }

        var copies = batch.Records.Select(r => Copy(batch, r)).ToArray();
        var bytes = batch.Records.Sum(r => (long)r.Message.Length);
        budget?.OutputHolds(bytes);
        _held.Enqueue((batch, copies, bytes));
        if (!Stalled)
        {
            Release();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Acknowledges everything held.</summary>
    public void Release()
    {
        while (_held.TryDequeue(out var held))
        {
            foreach (var copy in held.Copies)
            {
                Delivered.Enqueue(copy);
                held.Batch.Acks.Acknowledge(copy.Record.StartOffset);
            }

            budget?.OutputReleases(held.Bytes);
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellation) => ValueTask.CompletedTask;

    private static Delivery Copy(LogBatch batch, LogRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        EcsDocumentWriter.Write(buffer, record, batch.Context);
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var kept = record with { Timestamp = record.Timestamp.ToArray(), Message = record.Message.ToArray() };
        return new Delivery(batch.Context.FilePath, kept, batch.IdKey.Compute(record.StartOffset), document.RootElement.Clone());
    }
}
