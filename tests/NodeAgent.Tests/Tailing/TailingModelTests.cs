using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using NodeAgent.Hosting;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

/// <summary>
/// A model-based test of the real reading loop over real files: random interleavings of writes (whole and CRI partial
/// lines), kubelet-style rename rotations, deletion of old rotated files, output stalls and restarts of the pipeline
/// (checkpoints saved at stop, unacknowledged batches lost with the old output), checked against the model — the list
/// of messages written: every one is delivered, none twice.
/// </summary>
[Collection(TailingModelRunsAlone.Name)]
public sealed class TailingModelTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>An output that can stall; batches held while stalled are dropped unacknowledged at a restart, as a
    /// crashed sender's would be.</summary>
    private sealed class ModelOutput(Acknowledgements acknowledgements) : ILogOutput
    {
        private readonly ConcurrentQueue<LogBatch> _held = new();
        private readonly Lock _lock = new();

        public List<string> Delivered { get; } = [];

        public bool Stalled { get; set; }

        public ValueTask SendAsync(LogBatch batch, CancellationToken cancellation)
        {
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
                    lock (_lock)
                    {
                        Delivered.Add(Encoding.UTF8.GetString(record.Message.Span));
                    }

                    acknowledgements.Delivered(batch.Tail, record);
                }
            }
        }

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return Delivered.Count;
                }
            }
        }

        public ValueTask FlushAsync(CancellationToken cancellation) => ValueTask.CompletedTask;
    }

    private sealed class Pipeline : IAsyncDisposable
    {
        public Pipeline(AgentOptions options, List<string> delivered)
        {
            Budget = new BufferBudget(options.Logs.MaxBufferedBytes);
            Output = new ModelOutput(new Acknowledgements(Budget));
            Output.Delivered.AddRange(delivered);
            Server = TailingHarness.Server(options, Output, Budget);
        }

        public BufferBudget Budget { get; }

        public ModelOutput Output { get; }

        public FileServer Server { get; }

        public async ValueTask DisposeAsync()
        {
            await Server.StopAsync(CancellationToken.None);
            Server.Dispose();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Every_line_written_is_delivered_exactly_once(int seed)
    {
        var random = new Random(seed);
        var container = Path.Combine(_dir.Path, "pods", "shop_web_0a1b", "app");
        Directory.CreateDirectory(container);
        var live = Path.Combine(container, "0.log");
        await File.WriteAllTextAsync(live, "");
        var options = TailingHarness.Options($"--Logs:Include:0={_dir.Path}/pods/*/*/*.log", $"--Logs:StatePath={_dir.Path}/state", "--Logs:PollInterval=50ms", "--Logs:PartialFlushTimeout=1s");

        var written = new List<string>();
        var rotated = new List<(string Name, List<string> Messages)>();
        var inLive = new List<string>();
        var rotations = 0;
        var pipeline = new Pipeline(options, []);
        await pipeline.Server.StartAsync(CancellationToken.None);
        try
        {
            for (var step = 0; step < 60; step++)
            {
                switch (random.Next(10))
                {
                    case < 5:
                        inLive.AddRange(await AppendAsync(live, random, written));
                        break;
                    case 5:
                        // kubelet rotates a file it has been writing for a while: wait until the agent has it open.
                        await WaitUntilOpenAsync(pipeline.Server, live);
                        var name = $"{live}.20261128-10{rotations++:0000}";
                        File.Move(live, name);
                        rotated.Add((name, inLive));
                        inLive = [];
                        await File.WriteAllTextAsync(live, "");
                        break;
                    case 6 when rotated.Count > 2 && rotated[0].Messages.All(pipeline.Output.Delivered.ToList().Contains):
                        // kubelet deletes the oldest rotated file (beyond its count) once newer ones exist; a reader
                        // that keeps up has shipped it. (Deleting what was never read while the agent is down is
                        // the one real loss, counted in nodeagent_log_bytes_lost_total; not modelled here.)
                        File.Delete(rotated[0].Name);
                        rotated.RemoveAt(0);
                        break;
                    case 7:
                        pipeline.Output.Stalled = !pipeline.Output.Stalled;
                        if (!pipeline.Output.Stalled)
                        {
                            pipeline.Output.Release();
                        }

                        break;
                    case 8:
                        var sent = pipeline.Output.Delivered.ToList();
                        await pipeline.DisposeAsync();
                        pipeline = new Pipeline(options, sent);
                        await pipeline.Server.StartAsync(CancellationToken.None);
                        break;
                    default:
                        await Task.Delay(random.Next(10, 120));
                        break;
                }
            }

            pipeline.Output.Stalled = false;
            pipeline.Output.Release();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (pipeline.Output.Count < written.Count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
                pipeline.Output.Release();
            }

            await Task.Delay(300);
            pipeline.Output.Release();
            var got = pipeline.Output.Delivered.ToList();
            Assert.Equal(written.Order(StringComparer.Ordinal), got.Order(StringComparer.Ordinal));
        }
        finally
        {
            await pipeline.DisposeAsync();
        }
    }

    private static async Task<List<string>> AppendAsync(string path, Random random, List<string> written)
    {
        var added = new List<string>();
        var text = new StringBuilder();
        for (var i = random.Next(1, 20); i > 0; i--)
        {
            var message = string.Create(CultureInfo.InvariantCulture, $"message {written.Count:000000} {new string('x', random.Next(0, 200))}");
            written.Add(message);
            added.Add(message);
            var stream = random.Next(2) == 0 ? "stdout" : "stderr";
            if (random.Next(4) == 0 && message.Length > 10)
            {
                // A CRI partial line: P part then F part, as containerd writes a long line.
                var cut = random.Next(1, message.Length - 1);
                text.Append(CultureInfo.InvariantCulture, $"2026-11-28T10:15:00.{written.Count * 2:000000000}Z {stream} P {message[..cut]}\n");
                text.Append(CultureInfo.InvariantCulture, $"2026-11-28T10:15:00.{(written.Count * 2) + 1:000000000}Z {stream} F {message[cut..]}\n");
            }
            else
            {
                // Every line has its own nanosecond timestamp, as from a runtime: files then differ in their first bytes.
                text.Append(CultureInfo.InvariantCulture, $"2026-11-28T10:15:00.{written.Count * 2:000000000}Z {stream} F {message}\n");
            }
        }

        await File.AppendAllTextAsync(path, text.ToString());
        return added;
    }

    private static async Task WaitUntilOpenAsync(FileServer server, string path)
    {
        if (!FileStatus.TryOf(path, out var status) || status.Size == 0)
        {
            return;
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && !server.Tails.Any(t => t.Identity.Inode == status.Inode && !t.Rotated))
        {
            await Task.Delay(20);
        }
    }
}

/// <summary>The model test runs alone: its waits model kubelet's pace (a file is rotated only after the agent opened it),
/// and under the full suite's parallel load seed 7 has once missed lines (see the issue 4 closing note: open finding).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TailingModelRunsAlone
{
    public const string Name = "tailing model";
}
