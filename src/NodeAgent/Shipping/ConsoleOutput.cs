using System.Buffers;
using NodeAgent.Delivery;

namespace NodeAgent.Shipping;

/// <summary>
/// <c>Output:Type=console</c>: every document as one line of NDJSON on stdout, acknowledged once written and flushed
/// (the agent's own logs go to stderr in this mode, so stdout is a clean stream of documents). The one output whose
/// <see cref="SendAsync"/> waits: on the write to stdout, which is the delivery itself. A stdout no one drains (a
/// container runtime's log pipe that stopped being read) stops the reading loop and so its liveness heartbeat, and a
/// restart is the right answer to that; an output that is merely slow only slows reading.
/// </summary>
internal sealed class ConsoleOutput(Stream stdout) : ILogOutput, IDisposable
{
    // Documents are written out whenever this much is buffered, not once per batch: a batch is up to a 256 KiB
    // quantum of lines, whose documents took a buffer of several MiB that stayed allocated. Acknowledging still waits
    // for the whole batch to be written and flushed, so delivery is unchanged.
    private const int WriteThreshold = 32 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly SemaphoreSlim _writing = new(1, 1);

    public async ValueTask SendAsync(LogBatch batch, CancellationToken cancellation)
    {
        await _writing.WaitAsync(cancellation);
        try
        {
            _buffer.ResetWrittenCount();
            foreach (var record in batch.Records)
            {
                EcsDocumentWriter.Write(_buffer, record, batch.Context);
                _buffer.Write("\n"u8);
                if (_buffer.WrittenCount >= WriteThreshold)
                {
                    await stdout.WriteAsync(_buffer.WrittenMemory, cancellation);
                    _buffer.ResetWrittenCount();
                }
            }

            await stdout.WriteAsync(_buffer.WrittenMemory, cancellation);
            await stdout.FlushAsync(cancellation);
        }
        finally
        {
            _writing.Release();
        }

        foreach (var record in batch.Records)
        {
            batch.Acks.Acknowledge(record.StartOffset);
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellation) => ValueTask.CompletedTask;

    public void Dispose() => _writing.Dispose();
}
