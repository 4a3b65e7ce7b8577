using System.Collections.Concurrent;
using NodeAgent.Tailing;

namespace NodeAgent.Tests.TestSupport;

/// <summary>An output as Elasticsearch is while slow or down: keeps what it is given (counted in the budget, as the output
/// contract asks) until <see cref="Release"/> or while <see cref="Stalled"/>; counts deliveries per file;
/// throws on the calls listed in <see cref="FailOnCalls"/>, having taken nothing.</summary>
internal sealed class HoldingOutput(Acknowledgements acknowledgements, BufferBudget budget) : ILogOutput
{
    private readonly ConcurrentQueue<LogBatch> _held = new();
    private int _calls;

    public ConcurrentDictionary<string, int> DeliveredByFile { get; } = new(StringComparer.Ordinal);

    public ConcurrentBag<long> DeliveredOffsets { get; } = [];

    public ConcurrentBag<(string File, long End)> DeliveredEnds { get; } = [];

    public HashSet<int> FailOnCalls { get; init; } = [];

    public bool Stalled { get; set; }

    public ValueTask SendAsync(LogBatch batch, CancellationToken cancellation)
    {
        if (FailOnCalls.Contains(Interlocked.Increment(ref _calls)))
        {
            throw new IOException("the output failed to take this batch");
        }

        budget.OutputHolds(Size(batch));
        _held.Enqueue(batch);
        if (!Stalled)
        {
            Release();
        }

        return ValueTask.CompletedTask;
    }

    public void Release()
    {
        while (_held.TryDequeue(out var batch))
        {
            foreach (var record in batch.Records)
            {
                acknowledgements.Delivered(batch.Tail, record);
                DeliveredOffsets.Add(record.StartOffset);
                DeliveredEnds.Add((batch.Tail.Path, record.EndOffset));
            }

            DeliveredByFile.AddOrUpdate(batch.Tail.Path, batch.Records.Count, (_, n) => n + batch.Records.Count);
            budget.OutputReleases(Size(batch));
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellation) => ValueTask.CompletedTask;

    private static long Size(LogBatch batch) => batch.Records.Sum(r => (long)r.Message.Length);
}
