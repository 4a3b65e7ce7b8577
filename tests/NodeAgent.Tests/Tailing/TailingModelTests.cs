using System.Globalization;
using System.IO.Compression;
using System.Text;
using CsCheck;
using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;
using NodeAgent.Hosting;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;
using NodeAgent.TestSupport;

namespace NodeAgent.Tests.Tailing;

/// <summary>
/// A model-based test of the real reading loop over real files (issue 4, point 9). CsCheck generates a sequence of
/// steps — writes (whole lines and CRI partial lines, the two streams interleaved), kubelet's rotation (rename and a
/// new file; also of a file written and rotated between two looks for files), kubelet's compression and deletion of older rotated files (also while the agent still drains them),
/// copytruncate, deleting the file and creating a new one on the freed inode, output stalls, graceful restarts and
/// crashes (the state directory as a kill -9 leaves it) — runs them, and checks the documents delivered against the
/// model, the messages written:
/// <list type="bullet">
/// <item>every message is delivered, except only those copytruncate threw away unread (no agent can read them) and
/// those in files rotated before any agent looked for files on the node (a first start does not read rotated files);</item>
/// <item>nothing is delivered that was not written, and one message never gets two document ids (that would be a
/// duplicate in Elasticsearch);</item>
/// <item>without a crash, no document is delivered twice: exactly once; after a crash, what is delivered again
/// carries the same id, which Elasticsearch's <c>create</c> answers with 409;</item>
/// <item>the bytes copytruncate threw away are exactly what <c>nodeagent_log_bytes_lost_total{reason="truncated"}</c>
/// counts: each emptied content's size past the last line of it delivered (logrotate runs after the agent has looked
/// at the file, and a restart or the end first lets the output deliver what it holds of it). A restart before the agent
/// replaced a truncated content (its new content too short yet) leaves that loss uncounted: the count may then be
/// lower, never higher.</item>
/// </list>
/// </summary>
[Collection(TailingModelRunsAlone.Name)]
public sealed class TailingModelTests
{
    private const string NodeName = "node";

    private enum Kind
    {
        Write,
        Pause,
        Rotate,
        RotateUnseen,
        Compress,
        DeleteOldest,
        CopyTruncate,
        Recreate,
        ToggleStall,
        Restart,
        Crash,

        // Only in the fixed orderings below (issue 12), not drawn at random: they need a long partial timeout.
        Idle,
        CopyRestartTruncate,
        CopyCrashTruncate,
        CopyAsideTruncate,
        CopyArrives,
        AwaitDelivery,
    }

    private readonly record struct Step(Kind Kind, int Seed);

    private static readonly Gen<Step[]> Steps =
        Gen.Select(
            Gen.Frequency(
                (10, Gen.Const(Kind.Write)), (5, Gen.Const(Kind.Pause)), (3, Gen.Const(Kind.Rotate)), (2, Gen.Const(Kind.RotateUnseen)), (2, Gen.Const(Kind.Compress)),
                (2, Gen.Const(Kind.DeleteOldest)), (1, Gen.Const(Kind.CopyTruncate)), (1, Gen.Const(Kind.Recreate)),
                (2, Gen.Const(Kind.ToggleStall)), (1, Gen.Const(Kind.Restart)), (1, Gen.Const(Kind.Crash))),
            Gen.Int[0, int.MaxValue],
            (kind, seed) => new Step(kind, seed))
        .Array[20, 60];

    [Fact]
    public Task Every_line_written_is_delivered_once_through_rotations_truncations_stalls_and_crashes() =>
        Steps.SampleAsync(RunAsync, iter: 12, threads: 1, print: steps => string.Join(" ", steps.Select(s => s.Kind)));

    /// <summary>
    /// Issue 12: logrotate's copytruncate, then a restart (clean or <c>kill -9</c>) within
    /// <see cref="Checkpointer.TruncatedContentGrace"/>, in every order: the truncation seen and its new content opened
    /// before the stop; seen but not replaced yet (the new content still empty); the agent stopped between the copy and
    /// the truncation (which it then never sees); the copy first seen after the restart (moved into the directory then);
    /// the file deleted after the truncation. Then the agent runs long enough to check its closed files' checkpoints
    /// against their directories (every 20 looks), and a rotation makes it search the container's directory
    /// (<c>Discovery.FindMissed</c>), where logrotate's copy must still be known for what it is: read again, its lines
    /// are stored twice under new ids. The partial timeout is long (as on a node that sets it to 30 s) so the copy is
    /// still recent enough to be taken for a missed file when that search runs.
    /// </summary>
    [Theory]
    [InlineData("CopyTruncate Write Restart Idle Rotate Write")]
    [InlineData("CopyTruncate Write Crash Idle Rotate Write")]
    [InlineData("CopyTruncate Restart Write Idle Rotate Write")]
    [InlineData("CopyTruncate Crash Write Idle Rotate Write")]
    [InlineData("AwaitDelivery CopyRestartTruncate Write Idle Rotate Write")]
    [InlineData("AwaitDelivery CopyCrashTruncate Write Idle Rotate Write")]
    [InlineData("CopyAsideTruncate Write Restart CopyArrives Idle Rotate Write")]
    [InlineData("CopyTruncate Write AwaitDelivery Recreate Write Restart Idle Rotate Write")]
    public Task Logrotates_copy_is_not_read_again_after_a_restart_soon_after_copytruncate(string steps) =>
        RunAsync(
            [.. ("Write Write " + steps).Split(' ').Select((kind, n) => new Step(Enum.Parse<Kind>(kind), ManyLines(n)))],
            partialFlushTimeout: "30s");

    /// <summary>A seed whose write has several lines: a file shorter than a fingerprint waits for the partial timeout
    /// before it is opened.</summary>
    private static int ManyLines(int from) =>
        Enumerable.Range(from * 100, 100).First(seed => new Random(seed).Next(1, 20) >= 3);

    private static async Task RunAsync(Step[] steps) => await RunAsync(steps, partialFlushTimeout: "1s");

    private static async Task RunAsync(Step[] steps, string partialFlushTimeout)
    {
        using var dir = new TempDirectory();
        await using var model = new Model(dir.Path, partialFlushTimeout);
        await model.StartAsync();
        foreach (var step in steps)
        {
            await model.ApplyAsync(step);
        }

        await model.FinishAsync();
    }

    /// <summary>The files, what was written to them, and the running pipeline.</summary>
    private sealed class Model(string root, string partialFlushTimeout) : IAsyncDisposable
    {
        private readonly string _container = Path.Combine(root, "pods", "shop_web_0a1b", "app");
        private readonly string _state = Path.Combine(root, "state");
        // Where CopyAsideTruncate leaves logrotate's copies until CopyArrives moves them into the container's directory.
        private readonly string _aside = Path.Combine(root, "aside");
        private readonly List<RotatedFile> _asideCopies = [];
        private readonly List<string> _written = [];
        private readonly HashSet<string> _mayBeLost = new(StringComparer.Ordinal);
        // Lines of removed files the agent was still draining: a restart waits for them (see MayRemove).
        private readonly List<RotatedFile> _rotated = [];
        private readonly List<string> _draining = [];
        private readonly Deliveries _deliveries = new();
        private readonly ListLogger _log = new();
        private List<string> _inLive = [];
        // The live file's current content, line by line: the message each line belongs to and its end offset.
        private List<(string Message, long End)> _liveLines = [];
        private readonly List<TruncatedContent> _truncated = [];
        // What the stopped pipelines' counters said (each run starts its own).
        private long _lostCountedBefore;
        private long _truncationsCountedBefore;
        private bool _truncationsToSettle;
        // Cleared by a restart that came before the agent could replace a truncated content: its loss went uncounted.
        private bool _lossCountedWhole = true;
        private Pipeline? _pipeline;
        private int _rotations;
        private bool _crashed;

        private string Live => Path.Combine(_container, "0.log");

        private AgentOptions Options => TailingHarness.Options(
            $"--Logs:Include:0={root}/pods/*/*/*.log", $"--Logs:StatePath={_state}", "--Logs:PollInterval=50ms", $"--Logs:PartialFlushTimeout={partialFlushTimeout}");

        private Pipeline Running => _pipeline ?? throw new InvalidOperationException("not running");

        public async Task StartAsync()
        {
            Directory.CreateDirectory(_container);
            await File.WriteAllTextAsync(Live, "");
            _pipeline = new Pipeline(Options, _deliveries, _log);
            await _pipeline.Server.StartAsync(CancellationToken.None);
        }

        public async Task ApplyAsync(Step step)
        {
            var random = new Random(step.Seed);
            _log.Note(string.Create(CultureInfo.InvariantCulture, $"step {step.Kind}: {_written.Count} messages written so far, stalled {Running.Output.Stalled}"));
            switch (step.Kind)
            {
                case Kind.Write:
                    await AppendAsync(random);
                    break;
                case Kind.Pause:
                    await Task.Delay(random.Next(10, 120));
                    break;
                case Kind.Rotate:
                    // kubelet rotates a file it has been writing for a while: the agent has it open by then.
                    await WaitUntilOpenAsync(Live);
                    var name = RotatedName();
                    File.Move(Live, name);
                    _rotated.Add(new RotatedFile(name, _inLive));
                    _inLive = [];
                    _liveLines = [];
                    await File.WriteAllTextAsync(Live, "");
                    break;
                case Kind.RotateUnseen:
                    // A container writing faster than the agent looks (every 50 ms here): lines land in the live file
                    // and kubelet rotates it at once. After a rotation the live file is empty, which the agent does not
                    // open yet, so this file is one the agent never saw under its live name.
                    await AppendAsync(random);
                    var unseen = RotatedName();
                    File.Move(Live, unseen);
                    if (!File.Exists(Path.Combine(_state, CheckpointStore.FileName)))
                    {
                        // No agent has looked for files on this node yet (or a crash took its only look with it): the
                        // next start is the node's first, and a rotated file it finds is history it does not read
                        // (Logs:ReadFromHead reads live files whole, never rotated ones).
                        _mayBeLost.UnionWith(_inLive.Where(m => !_deliveries.Contains(m)));
                    }

                    _rotated.Add(new RotatedFile(unseen, _inLive));
                    _inLive = [];
                    _liveLines = [];
                    await File.WriteAllTextAsync(Live, "");
                    break;
                case Kind.Compress:
                    // kubelet compresses every rotated file but the newest: the uncompressed one is deleted, and
                    // the agent keeps draining it through its open handle.
                    if (_rotated.Take(_rotated.Count - 1).FirstOrDefault(r => !r.Compressed) is { } older && MayRemove(older))
                    {
                        await CompressAsync(older.Name);
                        older.Compressed = true;
                    }

                    break;
                case Kind.DeleteOldest:
                    if (_rotated.Count > 0 && MayRemove(_rotated[0]))
                    {
                        File.Delete(_rotated[0].FileName);
                        _rotated.RemoveAt(0);
                    }

                    break;
                case Kind.CopyTruncate:
                    await CopyTruncateAsync(RotatedName());
                    break;
                case Kind.CopyAsideTruncate:
                    Directory.CreateDirectory(_aside);
                    await CopyTruncateAsync(Path.Combine(_aside, Path.GetFileName(RotatedName())));
                    break;
                case Kind.CopyArrives:
                    // The copy is first seen in the container's directory now (moved, so it keeps its inode and time).
                    foreach (var aside in _asideCopies)
                    {
                        var arrived = Path.Combine(_container, Path.GetFileName(aside.Name));
                        File.Move(aside.Name, arrived);
                        _rotated.Add(new RotatedFile(arrived, aside.Messages));
                    }

                    _asideCopies.Clear();
                    break;
                case Kind.CopyRestartTruncate:
                case Kind.CopyCrashTruncate:
                {
                    // The agent stops (or is killed) between logrotate's copy and its truncation, which it never sees:
                    // the lines it had not delivered by then are in the copy only, which it does not read (as for a
                    // truncation it sees: the copy's lines are lost where the agent had not read them). Its loss is
                    // not counted: no run of the agent held the content when it was emptied.
                    var copy = RotatedName();
                    File.Copy(Live, copy);
                    _mayBeLost.UnionWith(_inLive.Where(m => !_deliveries.Contains(m)));
                    _rotated.Add(new RotatedFile(copy, [.. _inLive.Where(m => !_mayBeLost.Contains(m))]));
                    await RestartAsync(crash: step.Kind == Kind.CopyCrashTruncate, whileDown: TruncateLiveAsync);
                    _inLive = [];
                    _liveLines = [];
                    break;
                }

                case Kind.AwaitDelivery:
                    await WaitUntilAsync(() => _inLive.All(_deliveries.Contains), "the live file's lines delivered", TimeSpan.FromSeconds(20));
                    break;
                case Kind.Idle:
                    // Long enough for the agent to check its closed files' checkpoints against their directories, which
                    // it does every 20 looks: a look every 50 ms while files change, every 200 ms or so when idle.
                    await Task.Delay(TimeSpan.FromSeconds(8));
                    break;
                case Kind.Recreate:
                    // The file is deleted once read and a new one takes its path, usually on the freed inode (ext4
                    // reuses it at once): a new identity, read from 0, never mistaken for the old one's checkpoint.
                    if (_inLive.All(_deliveries.Contains))
                    {
                        var inode = FileStatus.TryOf(Live, out var status) ? status.Inode : 0;
                        File.Delete(Live);
                        _inLive = [];
                        _liveLines = [];
                        await WaitUntilAsync(() => Running.Server.Tails.All(t => t.Identity.Inode != inode), "the deleted file closed", TimeSpan.FromSeconds(20));
                        await File.WriteAllTextAsync(Live, "");
                    }

                    break;
                case Kind.ToggleStall:
                    Running.Output.Stalled = !Running.Output.Stalled;
                    Running.Output.Release();
                    break;
                case Kind.Restart:
                    await RestartAsync(crash: false);
                    break;
                case Kind.Crash:
                    await RestartAsync(crash: true);
                    break;
            }
        }

        /// <summary>logrotate's copytruncate: lines the agent has not read when the file is emptied are gone (every
        /// agent's limit with this method); nothing may come twice, and what follows is read whole. The agent counts
        /// what it had seen of them: logrotate runs long after the file was written, when the agent has looked at it
        /// (and has dealt with the file's previous truncation). The copy is made at <paramref name="copy"/>: in the
        /// container's directory, or aside until <see cref="Kind.CopyArrives"/>.</summary>
        private async Task CopyTruncateAsync(string copy)
        {
            var contentSize = _liveLines.Count == 0 ? 0 : _liveLines[^1].End;
            if (contentSize > 0)
            {
                await SettleTruncationsAsync(mayWrite: false);
                var liveInode = FileStatus.TryOf(Live, out var liveStatus) ? liveStatus.Inode : 0;
                await WaitUntilAsync(() => Running.Server.Tails.Any(t => t.Identity.Inode == liveInode && !t.Truncated && t.KnownLength == contentSize), $"{contentSize} bytes of {Live} seen", TimeSpan.FromSeconds(20));
                _truncated.Add(new TruncatedContent(Running.Server.Tails.First(t => t.Identity.Inode == liveInode && !t.Truncated).Identity, contentSize, _liveLines));
                _truncationsToSettle = true;
            }

            File.Copy(Live, copy);
            _mayBeLost.UnionWith(_inLive.Where(m => !_deliveries.Contains(m)));
            await TruncateLiveAsync();
            var copied = new RotatedFile(copy, [.. _inLive.Where(m => !_mayBeLost.Contains(m))]);
            if (Path.GetDirectoryName(copy) == _container)
            {
                _rotated.Add(copied);
            }
            else
            {
                _asideCopies.Add(copied);
            }

            _inLive = [];
            _liveLines = [];
        }

        private async Task TruncateLiveAsync()
        {
            await using (File.Open(Live, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
            {
            }
        }

        public async Task FinishAsync()
        {
            Running.Output.Stalled = false;
            await SettleTruncationsAsync(mayWrite: true);
            var expected = _written.Where(m => !_mayBeLost.Contains(m)).ToList();
            // The report below says what is missing and why better than a timeout would.
            await Eventually.HoldsWithinAsync(() => Released(() => expected.All(_deliveries.Contains)), TimeSpan.FromSeconds(60));
            // Anything delivered twice would show up in this time.
            await Task.Delay(300);

            var (lostCounted, truncationsCounted) = Counted();
            var problems = _deliveries.Problems(exactlyOnce: !_crashed);
            // Copytruncate's loss: each emptied content's bytes past the last line of it delivered, no more, no less.
            var lost = _truncated.Sum(t => t.Size - t.Lines.Where(l => _deliveries.Contains(l.Message)).Select(l => l.End).DefaultIfEmpty(0).Max());
            if (_lossCountedWhole ? lostCounted != lost || truncationsCounted != _truncated.Count : lostCounted > lost || truncationsCounted > _truncated.Count)
            {
                problems.Add($"copytruncate emptied {_truncated.Count} contents losing {lost} bytes; the agent counted {truncationsCounted} truncations losing {lostCounted} bytes");
            }

            // The reading loop survives its own failures, but none is expected here.
            problems.AddRange(_log.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"error {e.Id}: {e.Message}"));
            var missing = expected.Where(m => !_deliveries.Contains(m)).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"{missing.Count} not delivered, first: {missing[0]}");
                problems.Add($"live file: {(FileStatus.TryOf(Live, out var live) ? live.ToString() : "none")}");
                problems.AddRange(Running.Server.Tails.Select(t =>
                    $"open: {t.Path} {t.Identity} read {t.ReadOffset} committed {t.Acks.Committed} rotated {t.Rotated} truncated {t.Truncated}"));
            }

            if (problems.Count > 0)
            {
                // What happened, in order: the steps and what the agent said.
                problems.AddRange(_log.Entries.Where(e => e.Id is not (650 or 800)).Select(e => $"log {e.Id}: {e.Message}"));
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
            Assert.Equal(expected.Order(StringComparer.Ordinal), _deliveries.Messages.Where(m => !_mayBeLost.Contains(m)).Order(StringComparer.Ordinal));
            Assert.Empty(_deliveries.Messages.Except(_written, StringComparer.Ordinal));
        }

        public async ValueTask DisposeAsync()
        {
            if (_pipeline is not null)
            {
                await _pipeline.DisposeAsync();
            }
        }

        /// <summary>kubelet removes rotated files on its own schedule. A file the agent has read and delivered may go;
        /// so may one the agent holds open (it drains it through the handle), and then a restart waits for the
        /// drain: removing unread lines while the agent is down loses them, the one loss no reader can avoid.</summary>
        private bool MayRemove(RotatedFile file)
        {
            if (file.Messages.All(_deliveries.Contains))
            {
                return true;
            }

            if (!File.Exists(file.FileName) || !FileStatus.TryOf(file.FileName, out var status)
                || !Running.Server.Tails.Any(t => t.Identity.Inode == status.Inode))
            {
                return false;
            }

            _draining.AddRange(file.Messages);
            return true;
        }

        /// <param name="whileDown">What happens between the stop and the start.</param>
        private async Task RestartAsync(bool crash, Func<Task>? whileDown = null)
        {
            if (_draining.Any(m => !_deliveries.Contains(m)))
            {
                Running.Output.Stalled = false;
                await WaitUntilAsync(() => _draining.All(_deliveries.Contains), "the removed files drained", TimeSpan.FromSeconds(20));
            }

            _draining.Clear();
            await SettleTruncationsAsync(mayWrite: false);
            (_lostCountedBefore, _truncationsCountedBefore) = Counted();
            if (crash)
            {
                Running.Output.Freeze();
            }

            // kill -9 leaves the checkpoint file as the last save wrote it (saves replace it whole, by rename).
            var checkpoints = Path.Combine(_state, CheckpointStore.FileName);
            var onDisk = File.Exists(checkpoints) ? await File.ReadAllBytesAsync(checkpoints) : null;
            await Running.DisposeAsync();
            _pipeline = null;
            if (crash)
            {
                _crashed = true;
                if (onDisk is null)
                {
                    // No file yet (a first start that never looked for files writes none): none after the crash either.
                    if (File.Exists(checkpoints))
                    {
                        File.Delete(checkpoints);
                    }
                }
                else
                {
                    await File.WriteAllBytesAsync(checkpoints, onDisk);
                }
            }

            if (whileDown is not null)
            {
                await whileDown();
            }

            _pipeline = new Pipeline(Options, _deliveries, _log);
            await _pipeline.Server.StartAsync(CancellationToken.None);
        }

        private async Task AppendAsync(Random random)
        {
            var text = new StringBuilder();
            var end = _liveLines.Count == 0 ? 0 : _liveLines[^1].End;
            void Line(string message, string line)
            {
                text.Append(line);
                end += Encoding.UTF8.GetByteCount(line);
                _liveLines.Add((message, end));
            }

            for (var i = random.Next(1, 20); i > 0; i--)
            {
                var message = string.Create(CultureInfo.InvariantCulture, $"message {_written.Count:000000} {new string('x', random.Next(0, 200))}");
                _written.Add(message);
                _inLive.Add(message);
                var stream = random.Next(2) == 0 ? "stdout" : "stderr";
                if (random.Next(6) == 0)
                {
                    // Issue 14: a Java stack trace, joined into one message by Logs:Multiline=auto (the default) — its
                    // document's offset and id are its first line's, so a restart in the middle neither loses nor
                    // repeats it. A line of the other stream may come between its lines and is never absorbed.
                    _written.RemoveAt(_written.Count - 1);
                    _inLive.RemoveAt(_inLive.Count - 1);
                    var number = _written.Count;
                    string[] trace =
                    [
                        $"java.lang.IllegalStateException: trace {number:000000}",
                        .. Enumerable.Range(0, random.Next(1, 4)).Select(f => $"\tat com.example.Service{number}.step{f}(Service.java:{f + 10})"),
                        $"Caused by: java.io.IOException: disk {number:000000}",
                        $"\tat com.example.Disk{number}.write(Disk.java:7)",
                        "\t... 2 more",
                    ];
                    var joined = string.Join('\n', trace);
                    _written.Add(joined);
                    _inLive.Add(joined);
                    for (var t = 0; t < trace.Length; t++)
                    {
                        Line(joined, string.Create(CultureInfo.InvariantCulture, $"{Timestamp(t)} {stream} F {trace[t]}\n"));
                        if (t == 1 && random.Next(2) == 0)
                        {
                            var other = string.Create(CultureInfo.InvariantCulture, $"message {_written.Count:000000} amid a trace");
                            _written.Add(other);
                            _inLive.Add(other);
                            Line(other, string.Create(CultureInfo.InvariantCulture, $"{Timestamp(t)} {(stream == "stdout" ? "stderr" : "stdout")} F {other}\n"));
                        }
                    }
                }
                else if (random.Next(4) == 0 && message.Length > 10)
                {
                    // A CRI partial line, as containerd writes a long one: P part, maybe a line of the other stream
                    // in between (partial lines join per stream), then the F part.
                    var cut = random.Next(1, message.Length - 1);
                    Line(message, string.Create(CultureInfo.InvariantCulture, $"{Timestamp(0)} {stream} P {message[..cut]}\n"));
                    if (random.Next(2) == 0)
                    {
                        var other = string.Create(CultureInfo.InvariantCulture, $"message {_written.Count:000000} between");
                        _written.Add(other);
                        _inLive.Add(other);
                        Line(other, string.Create(CultureInfo.InvariantCulture, $"{Timestamp(1)} {(stream == "stdout" ? "stderr" : "stdout")} F {other}\n"));
                    }

                    Line(message, string.Create(CultureInfo.InvariantCulture, $"{Timestamp(2)} {stream} F {message[cut..]}\n"));
                }
                else
                {
                    Line(message, string.Create(CultureInfo.InvariantCulture, $"{Timestamp(0)} {stream} F {message}\n"));
                }
            }

            await File.AppendAllTextAsync(Live, text.ToString());
        }

        // Every line has its own nanosecond timestamp, as from a runtime: files then differ in their first bytes.
        private string Timestamp(int part) => string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:15:00.{(_written.Count * 10) + part:000000000}Z");

        private string RotatedName() => $"{Live}.20261128-10{_rotations++:0000}";

        private static async Task CompressAsync(string path)
        {
            await using (var source = File.OpenRead(path))
            await using (var target = File.Create(path + ".gz"))
            await using (var gzip = new GZipStream(target, CompressionLevel.Fastest))
            {
                await source.CopyToAsync(gzip);
            }

            File.Delete(path);
        }

        /// <summary>Until the agent has replaced every truncated content it was reading (its loss then counted) and
        /// the output has delivered what it was handed of them (a crash would lose that, uncounted); the output goes on
        /// meanwhile. A truncated file is replaced once its new content is long enough to be named: an empty one gets
        /// a line when <paramref name="mayWrite"/> (at the end), else its loss stays uncounted.</summary>
        private async Task SettleTruncationsAsync(bool mayWrite)
        {
            if (!_truncationsToSettle)
            {
                return;
            }

            bool Held(TruncatedContent content) => Running.Server.Tails.Any(t => t.Identity == content.Identity);
            if (mayWrite && _liveLines.Count == 0 && _truncated.Any(Held))
            {
                await AppendAsync(new Random(_written.Count));
            }

            var stalled = Running.Output.Stalled;
            Running.Output.Stalled = false;
            // The tails are looked at before the output is released: what was handed out before then is delivered.
            await Eventually.TrueAsync(() =>
            {
                var settled = _liveLines.Count == 0 || !_truncated.Any(Held);
                Running.Output.Release();
                return settled;
            }, "the truncated files dealt with", TimeSpan.FromSeconds(20));
            _lossCountedWhole &= !_truncated.Any(Held);
            Running.Output.Stalled = stalled;
            _truncationsToSettle = false;
        }

        /// <summary>Bytes lost to truncation and truncations, as this run's and the stopped runs' metrics say.</summary>
        private (long Lost, long Truncations) Counted()
        {
            var metrics = AgentMetricsText.Of(new TailMetrics(Running.Server, Running.Statistics, TailingHarness.NoEnrichment, Running.Budget, TimeProvider.System));
            Assert.Equal((double?)0, MetricText.Value(metrics, "nodeagent_log_bytes_lost_total{reason=\"max_open_files\"}"));
            return (_lostCountedBefore + (long)MetricText.Value(metrics, "nodeagent_log_bytes_lost_total{reason=\"truncated\"}")!.Value,
                _truncationsCountedBefore + (long)MetricText.Value(metrics, "nodeagent_log_truncations_total")!.Value);
        }

        private async Task WaitUntilOpenAsync(string path)
        {
            if (FileStatus.TryOf(path, out var status) && status.Size > 0)
            {
                await WaitUntilAsync(() => Running.Server.Tails.Any(t => t.Identity.Inode == status.Inode && !t.Rotated), $"{path} open", TimeSpan.FromSeconds(20));
            }
        }

        /// <summary>A step's precondition (kubelet's pace): the output hands over what it holds while waiting.</summary>
        private Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan timeout) =>
            Eventually.TrueAsync(() => Released(condition), what, timeout);

        private bool Released(Func<bool> condition)
        {
            _pipeline?.Output.Release();
            return condition();
        }
    }

    /// <summary>A content of the live file emptied by copytruncate: the identity the agent read it under, its size,
    /// and its lines (the message of each and its end offset).</summary>
    private sealed record TruncatedContent(FileIdentity Identity, long Size, List<(string Message, long End)> Lines);

    private sealed class RotatedFile(string name, List<string> messages)
    {
        public string Name { get; } = name;

        public List<string> Messages { get; } = messages;

        public bool Compressed { get; set; }

        public string FileName => Compressed ? Name + ".gz" : Name;
    }

    /// <summary>What the output received, as Elasticsearch would see it: documents by id.</summary>
    private sealed class Deliveries
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, List<string>> _byId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _idsOfMessage = new(StringComparer.Ordinal);

        public IEnumerable<string> Messages
        {
            get
            {
                lock (_lock)
                {
                    return [.. _idsOfMessage.Keys];
                }
            }
        }

        public bool Contains(string message)
        {
            lock (_lock)
            {
                return _idsOfMessage.ContainsKey(message);
            }
        }

        public void Add(string id, string message)
        {
            lock (_lock)
            {
                if (!_byId.TryGetValue(id, out var messages))
                {
                    _byId[id] = messages = [];
                }

                messages.Add(message);
                if (!_idsOfMessage.TryGetValue(message, out var ids))
                {
                    _idsOfMessage[message] = ids = new HashSet<string>(StringComparer.Ordinal);
                }

                ids.Add(id);
            }
        }

        public List<string> Problems(bool exactlyOnce)
        {
            lock (_lock)
            {
                var problems = new List<string>();
                problems.AddRange(_idsOfMessage.Where(m => m.Value.Count > 1).Select(m => $"stored twice under ids {string.Join(", ", m.Value)}: {m.Key}"));
                problems.AddRange(_byId.Where(d => d.Value.Distinct().Count() > 1).Select(d => $"one id {d.Key} for different messages: {string.Join(" | ", d.Value.Distinct())}"));
                if (exactlyOnce)
                {
                    problems.AddRange(_byId.Where(d => d.Value.Count > 1).Select(d => $"delivered {d.Value.Count} times (no crash happened): {d.Value[0]}"));
                }

                return problems;
            }
        }
    }

    /// <summary>An output that can stall; batches it holds while stalled are lost unacknowledged at a restart, as a
    /// crashed sender's would be.</summary>
    private sealed class ModelOutput(Deliveries deliveries) : ILogOutput
    {
        private readonly Queue<(LogBatch Batch, string[] Messages)> _held = new();
        private readonly Lock _delivering = new();
        private bool _frozen;

        public bool Stalled { get; set; }

        public ValueTask SendAsync(LogBatch batch, CancellationToken cancellation)
        {
            // The records and their bytes are the reader's until SendAsync returns (ILogOutput): read them now, as a
            // real output encodes.
            var messages = batch.Records.Select(r => Encoding.UTF8.GetString(r.Message.Span)).ToArray();
            batch = batch with { Records = [.. batch.Records] };
            lock (_held)
            {
                _held.Enqueue((batch, messages));
            }

            if (!Stalled)
            {
                Release();
            }

            return ValueTask.CompletedTask;
        }

        public void Release()
        {
            while (true)
            {
                // One batch at a time under the lock Freeze takes: once frozen, nothing more is delivered.
                lock (_delivering)
                {
                    (LogBatch Batch, string[] Messages) held;
                    lock (_held)
                    {
                        if (Stalled || _frozen || !_held.TryDequeue(out held))
                        {
                            return;
                        }
                    }

                    for (var i = 0; i < held.Batch.Records.Count; i++)
                    {
                        var record = held.Batch.Records[i];
                        deliveries.Add(held.Batch.IdKey.Compute(record.StartOffset), held.Messages[i]);
                        held.Batch.Acks.Acknowledge(record.StartOffset);
                    }
                }
            }
        }

        /// <summary>A crash: from now on nothing reaches the store (what is held is lost with the process, and read
        /// again after the restart), as with kill -9, where the process stops between two instructions. Without it,
        /// the pipeline being torn down after the checkpoint file was taken as the crash left it could still open a
        /// file, save its checkpoint (then thrown away) and deliver its lines: an interleaving kill -9 never makes.</summary>
        public void Freeze()
        {
            lock (_delivering)
            {
                _frozen = true;
            }
        }

        public ValueTask FlushAsync(CancellationToken cancellation) => ValueTask.CompletedTask;
    }

    private sealed class Pipeline : IAsyncDisposable
    {
        private readonly ILoggerFactory _loggers;

        public Pipeline(AgentOptions options, Deliveries deliveries, ListLogger log)
        {
            Budget = new BufferBudget(options.Logs.MaxBufferedBytes);
            Output = new ModelOutput(deliveries);
            _loggers = LoggerFactory.Create(b => b.AddProvider(log).SetMinimumLevel(LogLevel.Debug));
            Server = TailingHarness.Server(options, Output, Budget, Statistics, loggers: _loggers);
        }

        public BufferBudget Budget { get; }

        public TailStatistics Statistics { get; } = new();

        public ModelOutput Output { get; }

        public FileServer Server { get; }

        public async ValueTask DisposeAsync()
        {
            await Server.StopAsync(CancellationToken.None);
            Server.Dispose();
            _loggers.Dispose();
        }
    }
}

/// <summary>The model test runs alone: its waits model kubelet's pace (a file is rotated only after the agent opened
/// it), which a machine loaded by the rest of the suite would stretch.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TailingModelRunsAlone
{
    public const string Name = "tailing model";
}
