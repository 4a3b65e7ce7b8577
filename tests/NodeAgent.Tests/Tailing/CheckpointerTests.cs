using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using NodeAgent.Parsing;
using NodeAgent.Shipping;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;
using Xunit.Abstractions;

namespace NodeAgent.Tests.Tailing;

/// <summary>Issue 11, point 9: the checkpoints of files gone for longer than <c>Logs:CheckpointExpiry</c> leave memory
/// and the file once, and are said to expire once; a node where files come and go keeps flat state.</summary>
public sealed class CheckpointerTests(ITestOutputHelper output) : IDisposable
{
    private const int CheckpointExpired = 653;
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 10, 15, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();
    private readonly ManualTime _time = new(Start);
    private readonly ListLogger _log = new();

    public void Dispose() => _dir.Dispose();

    private string StatePath => Path.Combine(_dir.Path, "state");

    [Fact]
    public void An_expired_checkpoint_leaves_memory_and_the_file_and_is_logged_once()
    {
        var expiry = TimeSpan.FromHours(1);
        var checkpointer = Checkpointer(expiry);
        checkpointer.LastDiscovery = Start;
        var log = _dir.Write("0.log", new string('x', 200) + "\n");
        using (var tail = Tail(log, Identity(1), 100))
        {
            checkpointer.Save([tail]);
            checkpointer.Retire(tail);
        }

        checkpointer.Save([]);
        Assert.Single(checkpointer.Unclaimed([]));
        Assert.Single(Store(expiry).Load().Checkpoints);

        _time.Advance(expiry + TimeSpan.FromSeconds(1));
        for (var save = 0; save < 5; save++)
        {
            checkpointer.Save([]);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Empty(checkpointer.Unclaimed([]));
        Assert.Empty(Store(expiry).Load().Checkpoints);
        var expired = Assert.Single(_log.Entries, e => e.Id == CheckpointExpired);
        Assert.Contains(log, expired.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_checkpoint_is_logged_once_even_while_saves_fail()
    {
        var expiry = TimeSpan.FromHours(1);
        var checkpointer = Checkpointer(expiry);
        checkpointer.LastDiscovery = Start;
        var log = _dir.Write("0.log", new string('x', 200) + "\n");
        using (var tail = Tail(log, Identity(1), 100))
        {
            checkpointer.Retire(tail);
        }

        // The temporary file's name is taken by a directory: every save fails (as on a full disk).
        Directory.CreateDirectory(Path.Combine(StatePath, CheckpointStore.FileName + ".tmp"));
        _time.Advance(expiry + TimeSpan.FromSeconds(1));
        for (var save = 0; save < 5; save++)
        {
            checkpointer.Save([]);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Empty(checkpointer.Unclaimed([]));
        Assert.Single(_log.Entries, e => e.Id == CheckpointExpired);
    }

    [Fact]
    public void An_idle_open_file_keeps_its_checkpoint_with_an_expiry_under_an_hour()
    {
        var expiry = TimeSpan.FromMinutes(10);
        var checkpointer = Checkpointer(expiry);
        checkpointer.LastDiscovery = Start;
        var log = _dir.Write("0.log", new string('x', 200) + "\n");
        using var tail = Tail(log, Identity(1), 100);

        // A live file with nothing new to read for an hour and a half, saved every minute.
        for (var minute = 0; minute < 90; minute++)
        {
            checkpointer.MaybeSave([tail], _time.GetUtcNow());
            Assert.Equal(tail.Identity, Assert.Single(Store(expiry).Load().Checkpoints).Identity);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.DoesNotContain(_log.Entries, e => e.Id == CheckpointExpired);
    }

    [Fact]
    public void After_a_downtime_longer_than_the_expiry_a_file_still_resumes_from_its_checkpoint()
    {
        var expiry = TimeSpan.FromHours(1);
        var log = _dir.Write("0.log", new string('x', 200) + "\n");
        FileIdentity identity;
        using (var handle = File.OpenHandle(log))
        {
            identity = FileIdentity.Read(handle);
        }

        var before = Checkpointer(expiry);
        before.LastDiscovery = Start;
        using (var tail = Tail(log, identity, 100))
        {
            before.Save([tail]);
        }

        // Down for a day: the checkpoint is loaded (expiry applies only once files were looked for) and found.
        _time.Advance(TimeSpan.FromDays(1));
        var after = Checkpointer(expiry);
        using (var handle = File.OpenHandle(log))
        {
            Assert.Equal(100, after.Find(identity, handle)?.Offset);
        }

        // Open again, it is refreshed by the first save, not expired.
        after.LastDiscovery = _time.GetUtcNow();
        using (var tail = Tail(log, identity, 100))
        {
            after.Save([tail]);
        }

        Assert.Single(after.Unclaimed([]));
        Assert.Equal(_time.GetUtcNow(), Assert.Single(Store(expiry).Load().Checkpoints).UpdatedAt);
        Assert.DoesNotContain(_log.Entries, e => e.Id == CheckpointExpired);
    }

    /// <summary>
    /// 100,000 short-lived files (a node running many short jobs, or kubelet rotating busy containers): each opened,
    /// checkpointed as discovery does on open, closed with its final checkpoint, while time passes in steps of half
    /// the expiry with a save at each. What is held in memory and written to the file stays at what the last expiry's
    /// files need (at most 3 steps' worth); a leak holds all 100,000.
    /// </summary>
    [Fact]
    public void Checkpoints_stay_bounded_while_100000_short_lived_files_come_and_go()
    {
        const int Files = 100_000;
        const int PerStep = 2_000;
        var expiry = TimeSpan.FromHours(1);
        var step = expiry / 2;
        var bound = PerStep * 3;

        var checkpointer = Checkpointer(expiry);
        var store = Store(expiry);
        // The "files" share one file on disk and its handle (each tail detaches it before it is disposed): what is
        // measured is the checkpointer, not how fast the test machine opens files.
        using var handle = File.OpenHandle(_dir.Write("0.log", new string('x', 200) + "\n"));
        var heldMost = 0;
        long bytesMost = 0;
        var clock = Stopwatch.StartNew();
        for (var first = 0; first < Files; first += PerStep)
        {
            checkpointer.LastDiscovery = _time.GetUtcNow();
            var tails = Enumerable.Range(first, PerStep).Select(n => Tail(handle, $"/var/log/pods/ns_job-{n}_uid/job/0.log", Identity(n), 100 + (n % 50))).ToList();
            checkpointer.Save(tails);
            foreach (var tail in tails)
            {
                checkpointer.Retire(tail);
                tail.DetachHandle();
                tail.Dispose();
            }

            _time.Advance(step);
            checkpointer.MaybeSave([], _time.GetUtcNow());

            heldMost = Math.Max(heldMost, checkpointer.Unclaimed([]).Count);
            bytesMost = Math.Max(bytesMost, new FileInfo(store.FilePath).Length);
        }

        var saved = store.Load().Checkpoints.Count;
        output.WriteLine($"{Files} files in {clock.Elapsed.TotalSeconds:F1} s: at most {heldMost} checkpoints held and {bytesMost} bytes saved; {saved} saved at the end");
        Assert.InRange(heldMost, PerStep, bound);
        Assert.InRange(saved, PerStep, bound);
        // An entry takes about 350 bytes: 100,000 would be some 35 MB.
        Assert.InRange(bytesMost, 1, bound * 400L);

        // Every file's checkpoint that expired was said to expire, once.
        var expired = _log.Entries.Where(e => e.Id == CheckpointExpired).Select(e => e.Message).ToList();
        Assert.Equal(Files - checkpointer.Unclaimed([]).Count, expired.Count);
        Assert.Equal(expired.Count, expired.Distinct(StringComparer.Ordinal).Count());
    }

    private Checkpointer Checkpointer(TimeSpan expiry) =>
        new(Store(expiry), _time, NullLogger<Checkpointer>.Instance);

    private CheckpointStore Store(TimeSpan expiry) => new(StatePath, _time, expiry, _log);

    /// <summary>A file open at <paramref name="offset"/>, every line before it acknowledged.</summary>
    private static FileTail Tail(string path, FileIdentity identity, long offset) =>
        Tail(File.OpenHandle(path), path, identity, offset);

    /// <summary>The same, through this handle under this name; the identity is the test's, so that many "files" can
    /// share one file on disk.</summary>
    private static FileTail Tail(SafeFileHandle handle, string path, FileIdentity identity, long offset) =>
        new(path, handle, identity, offset, DocumentContext.Create("node", path, null, parseJson: false), 1 << 20, new LogDecoder(1 << 20));

    private static FileIdentity Identity(int n) =>
        new(2049, (ulong)n + 1, FileIdentity.Hash(Encoding.UTF8.GetBytes($"file {n}")), FileIdentity.FingerprintBytes);
}
