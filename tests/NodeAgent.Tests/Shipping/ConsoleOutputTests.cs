using System.Text;
using System.Text.Json;
using NodeAgent.Delivery;
using NodeAgent.Shipping;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Shipping;

/// <summary>The console output: NDJSON on stdout, each record acknowledged only once its line is written and flushed.</summary>
public sealed class ConsoleOutputTests
{
    /// <summary>A stdout that records writes and flushes, and can refuse them (a closed pipe).</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public int Flushes { get; private set; }

        public bool Broken { get; set; }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Broken)
            {
                throw new IOException("Broken pipe");
            }

            Writes++;
            return base.WriteAsync(buffer, cancellationToken);
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return base.FlushAsync(cancellationToken);
        }
    }

    [Fact]
    public async Task Each_record_becomes_one_ndjson_line_with_the_batch_context_and_is_acknowledged_after_the_flush()
    {
        using var stdout = new RecordingStream();
        using var output = new ConsoleOutput(stdout);
        var acks = new AckWatermark();

        await output.SendAsync(TestBatches.Of(acks, TestBatches.Context("/var/log/pods/shop_web_1/app/0.log"), 0, "first", "second"), CancellationToken.None);

        var lines = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["first", "second"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()));
        Assert.All(lines, l => Assert.Equal("/var/log/pods/shop_web_1/app/0.log", JsonDocument.Parse(l).RootElement.GetProperty("log").GetProperty("file").GetProperty("path").GetString()));
        Assert.Equal(1, stdout.Flushes);
        Assert.Equal(200, acks.Committed);
    }

    [Fact]
    public async Task A_stdout_that_refuses_the_write_leaves_every_record_unacknowledged()
    {
        using var stdout = new RecordingStream { Broken = true };
        using var output = new ConsoleOutput(stdout);
        var acks = new AckWatermark();

        await Assert.ThrowsAsync<IOException>(() => output.SendAsync(TestBatches.Of(acks, 0, "lost?"), CancellationToken.None).AsTask());

        Assert.Equal(0, acks.Committed);
        Assert.Equal(1, acks.Unacknowledged);
    }

    [Fact]
    public async Task A_large_batch_is_written_in_pieces_not_held_whole()
    {
        using var stdout = new RecordingStream();
        using var output = new ConsoleOutput(stdout);
        var acks = new AckWatermark();
        var messages = Enumerable.Range(0, 64).Select(i => new string('x', 2_000) + i).ToArray();

        await output.SendAsync(TestBatches.Of(acks, 0, messages), CancellationToken.None);

        Assert.True(stdout.Writes >= 4, $"{stdout.Writes} writes for ~150 KB of documents");
        Assert.Equal(64, Encoding.UTF8.GetString(stdout.ToArray()).Count(c => c == '\n'));
        Assert.Equal(6_400, acks.Committed);
    }
}
