using System.Globalization;
using CsCheck;
using NodeAgent.Tests.Journal;
using NodeAgent.Tests.TestSupport;
using NodeAgent.TestSupport;

namespace NodeAgent.Tests.Tailing.Journald;

/// <summary>
/// A model-based test of the journal input over real journal files, as TailingModelTests is of the file loop. CsCheck
/// generates steps — entries appended by systemd-journal-remote, journald's rotation (the active file archived and
/// renamed, a new one started), pauses, output stalls, graceful restarts and crashes (the state directory as a
/// <c>kill -9</c> leaves it, and what the output held unanswered gone) — runs them, and checks what was delivered
/// against what was written: every entry is delivered; nothing else is; an entry never gets two ids; and without a
/// crash none is delivered twice (after one, an entry delivered again carries its id, which Elasticsearch answers
/// with 409).
/// </summary>
public sealed class JournalModelTests
{
    private enum Kind
    {
        Append,
        Rotate,
        Pause,
        ToggleStall,
        Restart,
        Crash,
    }

    private readonly record struct Step(Kind Kind, int Seed);

    private static readonly Gen<Step[]> Steps =
        Gen.Select(
            Gen.Frequency((8, Gen.Const(Kind.Append)), (2, Gen.Const(Kind.Rotate)), (3, Gen.Const(Kind.Pause)), (2, Gen.Const(Kind.ToggleStall)),
                (1, Gen.Const(Kind.Restart)), (1, Gen.Const(Kind.Crash))),
            Gen.Int[0, int.MaxValue],
            (kind, seed) => new Step(kind, seed))
        .Array[8, 24];

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public Task Every_entry_is_delivered_once_through_rotations_stalls_restarts_and_crashes() =>
        Steps.SampleAsync(RunAsync, iter: 12, threads: 1, print: steps => string.Join(" ", steps.Select(s => s.Kind)));

    private static async Task RunAsync(Step[] steps)
    {
        using var dir = new TempDirectory();
        var model = new Model(dir.Path);
        try
        {
            await model.StartAsync();
            foreach (var step in steps)
            {
                await model.ApplyAsync(step);
            }

            await model.FinishAsync();
        }
        finally
        {
            await model.StopAsync();
        }
    }

    private sealed class Model(string root)
    {
        private readonly string _journal = Path.Combine(root, "journal", "m1");
        private readonly string _state = Path.Combine(root, "state");
        private readonly List<(string Message, string Id)> _delivered = [];
        private int _written;
        private int _rotations;
        private bool _stalled;
        private bool _crashed;
        private JournalHarness? _run;

        private string Active => Path.Combine(_journal, "system.journal");

        private JournalHarness Run => _run ?? throw new InvalidOperationException("not running");

        public async Task StartAsync()
        {
            Directory.CreateDirectory(_journal);
            _run = await new JournalHarness(Path.Combine(root, "journal"), _state, stalled: _stalled).StartAsync();
        }

        public async Task ApplyAsync(Step step)
        {
            var random = new Random(step.Seed);
            switch (step.Kind)
            {
                case Kind.Append:
                    var count = random.Next(1, 120);
                    TestJournals.Write(Active, TestJournals.Corpus(count, seed: step.Seed, firstIndex: _written), TestJournals.Default);
                    _written += count;
                    break;
                case Kind.Rotate when File.Exists(Active):
                    var archived = Path.Combine(_journal, string.Create(CultureInfo.InvariantCulture, $"system@{++_rotations:x16}.journal"));
                    JournalFiles.Archive(Active);
                    File.Move(Active, archived);
                    break;
                case Kind.Pause:
                    await Task.Delay(random.Next(10, 400));
                    break;
                case Kind.ToggleStall:
                    _stalled = !_stalled;
                    Run.Output.Stalled = _stalled;
                    if (!_stalled)
                    {
                        Run.Output.Release();
                    }

                    break;
                case Kind.Restart:
                    await StopAsync();
                    await StartAsync();
                    break;
                case Kind.Crash:
                    // kill -9: the state directory as it is now; what the output holds unanswered is not stored.
                    await Task.Delay(random.Next(0, 1500));
                    var snapshot = Snapshot();
                    _crashed = true;
                    await StopAsync();
                    Restore(snapshot);
                    await StartAsync();
                    break;
            }
        }

        /// <summary>The output answers again; every entry written must arrive.</summary>
        public async Task FinishAsync()
        {
            _stalled = false;
            Run.Output.Stalled = false;
            var written = Enumerable.Range(0, _written).ToHashSet();
            await Eventually.TrueAsync(() =>
            {
                Run.Output.Release();
                return Delivered().Select(d => d.Index).ToHashSet().SetEquals(written);
            }, $"all {_written} entries delivered", TimeSpan.FromSeconds(60));
            await StopAsync();

            var all = Delivered().ToList();
            Assert.True(all.Select(d => d.Index).ToHashSet().SetEquals(written), "what was delivered is what was written");
            Assert.All(all.GroupBy(d => d.Index), g => Assert.Single(g.Select(d => d.Id).Distinct()));
            if (!_crashed)
            {
                Assert.Equal(_written, all.Count);
            }
        }

        public async Task StopAsync()
        {
            if (_run is not { } run)
            {
                return;
            }

            _run = null;
            await run.StopAsync();
            // What it acknowledged was delivered; what it held unanswered is not stored.
            _delivered.AddRange(run.Output.Delivered.Select(d => (d.Message, d.Id)));
            await run.DisposeAsync();
        }

        private IEnumerable<(int Index, string Id)> Delivered() =>
            _delivered.Concat(_run?.Output.Delivered.Select(d => (d.Message, d.Id)) ?? [])
                .Select(d => (int.Parse(d.Message.AsSpan(6, d.Message.IndexOf(':', StringComparison.Ordinal) - 6), CultureInfo.InvariantCulture), d.Id));

        private Dictionary<string, byte[]> Snapshot() =>
            Directory.Exists(_state) ? Directory.GetFiles(_state).ToDictionary(f => f, File.ReadAllBytes) : [];

        private void Restore(Dictionary<string, byte[]> snapshot)
        {
            if (Directory.Exists(_state))
            {
                Directory.Delete(_state, recursive: true);
            }

            Directory.CreateDirectory(_state);
            foreach (var (path, bytes) in snapshot)
            {
                File.WriteAllBytes(path, bytes);
            }
        }
    }
}
