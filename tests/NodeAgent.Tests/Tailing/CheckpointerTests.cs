using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using NodeAgent.Kubernetes;
using NodeAgent.Parsing;
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

    /// <summary>
    /// Content truncated in place keeps its checkpoint for the grace even once its file is deleted: logrotate's copy of
    /// it may still be in the directory, and a restart tells the copy from a file never read only by that checkpoint
    /// (found by the model test: a copytruncated file deleted, then a crash, read the copy again under new ids).
    /// </summary>
    [Fact]
    public void A_truncated_contents_checkpoint_outlives_its_deleted_file_for_the_grace()
    {
        var checkpointer = Checkpointer(TimeSpan.FromHours(24));
        checkpointer.LastDiscovery = Start;
        var live = _dir.Write("pods/shop_web_1/nginx/0.log", new string('l', 200) + "\n");
        using (var truncated = RealTail(live, live))
        {
            checkpointer.RetireTruncated(truncated);
        }

        File.Delete(live);
        Assert.Equal(0, checkpointer.ForgetRemoved([]));
        Assert.Single(checkpointer.Unclaimed([]));

        _time.Advance(NodeAgent.Tailing.Checkpointer.TruncatedContentGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, checkpointer.ForgetRemoved([]));
        Assert.Empty(checkpointer.Unclaimed([]));
    }

    /// <summary>
    /// Issue 12: the grace of content truncated in place runs from its truncation across a restart. Before, the time
    /// lived only in memory: the next run forgot the checkpoint at its first check (its inode is open under the new
    /// content's identity) and took logrotate's copy for a file never read.
    /// </summary>
    [Fact]
    public void A_truncated_contents_checkpoint_outlives_a_restart_for_the_grace_from_its_truncation()
    {
        var live = _dir.Write("pods/shop_web_1/nginx/0.log", new string('o', 200) + "\n");
        var copy = _dir.Write("pods/shop_web_1/nginx/0.log.1", new string('o', 200) + "\n");
        var first = Checkpointer(TimeSpan.FromHours(24));
        first.LastDiscovery = Start;
        using (var truncated = RealTail(live, live))
        {
            first.RetireTruncated(truncated);
        }

        // Truncated in place and written again: the same inode, other first bytes.
        File.WriteAllText(live, new string('n', 100) + "\n");
        using var replacement = RealTail(live, live);
        first.Save([replacement]);

        // Restarted 30 s after the truncation, and again 15 s later.
        _time.Advance(TimeSpan.FromSeconds(30));
        var second = Checkpointer(TimeSpan.FromHours(24));
        Assert.Equal(0, second.ForgetRemoved([replacement]));
        Assert.True(second.IsCopyOfKnownFile(IdentityOf(copy)));
        second.Save([replacement]);

        _time.Advance(TimeSpan.FromSeconds(15));
        var third = Checkpointer(TimeSpan.FromHours(24));
        Assert.Equal(0, third.ForgetRemoved([replacement]));
        Assert.True(third.IsCopyOfKnownFile(IdentityOf(copy)));

        // The grace counts from the truncation, not from the restarts.
        _time.Advance(NodeAgent.Tailing.Checkpointer.TruncatedContentGrace - TimeSpan.FromSeconds(44));
        Assert.Equal(1, third.ForgetRemoved([replacement]));
        Assert.False(third.IsCopyOfKnownFile(IdentityOf(copy)));
    }

    /// <summary>Issue 12: content truncated in place and then deleted (no file has its inode any more) keeps its
    /// checkpoint for the grace across a restart too: only the saved mark says it was truncated.</summary>
    [Fact]
    public void A_truncated_and_deleted_contents_checkpoint_outlives_a_restart_for_the_grace()
    {
        var live = _dir.Write("pods/shop_web_1/nginx/0.log", new string('o', 200) + "\n");
        var copy = _dir.Write("pods/shop_web_1/nginx/0.log.1", new string('o', 200) + "\n");
        var before = Checkpointer(TimeSpan.FromHours(24));
        before.LastDiscovery = Start;
        using (var truncated = RealTail(live, live))
        {
            before.RetireTruncated(truncated);
        }

        before.Save([]);
        File.Delete(live);

        _time.Advance(TimeSpan.FromSeconds(10));
        var after = Checkpointer(TimeSpan.FromHours(24));
        Assert.Equal(0, after.ForgetRemoved([]));
        Assert.True(after.IsCopyOfKnownFile(IdentityOf(copy)));

        _time.Advance(NodeAgent.Tailing.Checkpointer.TruncatedContentGrace - TimeSpan.FromSeconds(9));
        Assert.Equal(1, after.ForgetRemoved([]));
        Assert.False(after.IsCopyOfKnownFile(IdentityOf(copy)));
    }

    /// <summary>
    /// Issue 12: the agent stopped between logrotate's copy and its truncation (or before it looked again): the next run
    /// loads the old content's checkpoint, finds its inode open under other content, and cannot tell a truncation from
    /// an inode reused. It keeps the checkpoint for the grace from then (saved, so a restart does not extend it), since
    /// the copy it names is in the directory; before, it forgot it at once.
    /// </summary>
    [Fact]
    public void A_loaded_checkpoint_whose_inode_holds_other_content_is_kept_for_the_grace()
    {
        var live = _dir.Write("pods/shop_web_1/nginx/0.log", new string('o', 200) + "\n");
        var before = Checkpointer(TimeSpan.FromHours(24));
        before.LastDiscovery = Start;
        using (var read = RealTail(live, live))
        {
            before.Save([read]);
        }

        // While the agent is down: logrotate copies the file and truncates it, and the container writes on.
        var copy = _dir.Write("pods/shop_web_1/nginx/0.log.1", new string('o', 200) + "\n");
        File.WriteAllText(live, new string('n', 100) + "\n");
        _time.Advance(TimeSpan.FromMinutes(5));
        var after = Checkpointer(TimeSpan.FromHours(24));
        after.LastDiscovery = _time.GetUtcNow();
        using var replacement = RealTail(live, live);
        after.Save([replacement]);

        Assert.Equal(0, after.ForgetRemoved([replacement]));
        Assert.True(after.IsCopyOfKnownFile(IdentityOf(copy)));
        after.Save([replacement]);
        Assert.Equal(_time.GetUtcNow(), Store(TimeSpan.FromHours(24)).Load().Checkpoints.Single(c => c.Identity != replacement.Identity).TruncatedAt);

        _time.Advance(TimeSpan.FromSeconds(30));
        var restarted = Checkpointer(TimeSpan.FromHours(24));
        Assert.Equal(0, restarted.ForgetRemoved([replacement]));
        _time.Advance(NodeAgent.Tailing.Checkpointer.TruncatedContentGrace - TimeSpan.FromSeconds(29));
        Assert.Equal(1, restarted.ForgetRemoved([replacement]));
        Assert.False(restarted.IsCopyOfKnownFile(IdentityOf(copy)));
    }

    /// <summary>Issue 12: a file found truncated whose new content is still too short to be named keeps its tail (and
    /// the old content's identity) until it is replaced; a stop before then saves the old content as truncated.</summary>
    [Fact]
    public void A_file_found_truncated_and_not_replaced_yet_is_saved_as_truncated()
    {
        var live = _dir.Write("pods/shop_web_1/nginx/0.log", new string('o', 200) + "\n");
        var checkpointer = Checkpointer(TimeSpan.FromHours(24));
        checkpointer.LastDiscovery = Start;
        using var tail = RealTail(live, live);
        checkpointer.Save([tail]);

        File.WriteAllText(live, "");
        tail.MarkTruncated();
        _time.Advance(TimeSpan.FromSeconds(1));
        checkpointer.Save([tail]);

        var saved = Assert.Single(Store(TimeSpan.FromHours(24)).Load().Checkpoints);
        Assert.Equal(tail.Identity, saved.Identity);
        Assert.Equal(200 + 1, saved.Offset);
        Assert.Equal(_time.GetUtcNow(), saved.TruncatedAt);
    }

    /// <summary>
    /// Found by the model test (seeds 0006QN5YZp91 and 01Pqm6PoDEf3, now and then): a file truncated in place and
    /// deleted while empty is replaced by a tail of its empty content, whose fingerprint covers no byte, and closed at
    /// offset 0 with that checkpoint. Its inode is freed; a new file on it began, to <see cref="FileIdentity.Matches"/>,
    /// as that checkpoint did (with no byte to compare, every file does) and its tail (none) matched too, so the new
    /// file was taken for it: when found rotated before it was opened it was not read at all (15 lines lost), and opened
    /// it would have been named by the empty content's identity, which every later file on that inode would share.
    /// A checkpoint that covers no byte of its file cannot tell it from another, and matches none.
    /// </summary>
    [Fact]
    public void A_checkpoint_that_covers_no_byte_of_its_file_matches_no_file()
    {
        var log = _dir.Write("pods/shop_web_1/nginx/0.log", "");
        var checkpointer = Checkpointer(TimeSpan.FromHours(24));
        checkpointer.LastDiscovery = Start;
        using (var empty = RealTail(log, log))
        {
            Assert.Equal(0, empty.Identity.FingerprintLength);
            checkpointer.Retire(empty);
        }

        Assert.Single(checkpointer.Unclaimed([]));
        // Another file on the same inode (here the same file written again; a freed inode reused looks the same).
        File.WriteAllText(log, new string('n', 100) + "\n");
        using var handle = File.OpenHandle(log);
        Assert.Null(checkpointer.Find(FileIdentity.Read(handle), handle));
    }

    /// <summary>
    /// A closed file's checkpoint is kept while its file is in its container's directory under a name that is not
    /// compressed (a restart looks for it there, DELIVERY.md rule 4) and forgotten, in memory and in the file, once
    /// kubelet has compressed or deleted it, or its inode holds another open file (content truncated in place keeps its
    /// checkpoint a minute longer); the files an open tail holds, and the files still there, keep theirs. Without this, every rotated file's checkpoint stayed for
    /// Logs:CheckpointExpiry (a day): 36,000 after six minutes of a busy node's soak.
    /// </summary>
    [Fact]
    public void A_closed_files_checkpoint_is_forgotten_once_its_file_left_the_container_directory()
    {
        var expiry = TimeSpan.FromHours(24);
        var checkpointer = Checkpointer(expiry);
        checkpointer.LastDiscovery = Start;
        var live = _dir.Write("pods/shop_web_1/nginx/0.log", new string('l', 200) + "\n");
        var compressed = _dir.Write("pods/shop_web_1/nginx/0.log.20261128-101500", new string('a', 200) + "\n");
        var kept = _dir.Write("pods/shop_web_1/nginx/0.log.20261128-102500", new string('b', 200) + "\n");
        var deletedPod = _dir.Write("pods/shop_old_2/nginx/0.log", new string('c', 200) + "\n");
        var deletedWhileOpen = _dir.Write("pods/shop_web_1/sidecar/0.log", new string('d', 200) + "\n");
        // Closed tails go by the path they were read by (the live name); open ones are still read.
        foreach (var closed in new[] { compressed, kept, deletedPod })
        {
            using var tail = RealTail(closed, Path.Combine(Path.GetDirectoryName(closed)!, "0.log"));
            checkpointer.Retire(tail);
        }

        using var openLive = RealTail(live, live);
        using var openDeleted = RealTail(deletedWhileOpen, deletedWhileOpen);
        // An older file that had the live file's inode before it (freed, then reused), and the live file's content
        // before it was truncated in place: other first bytes on an inode an open tail holds.
        using (var previousOwner = Tail(File.OpenHandle(live), live, openLive.Identity with { Fingerprint = openLive.Identity.Fingerprint + 1 }, 100))
        {
            checkpointer.Retire(previousOwner);
        }

        using (var truncated = Tail(File.OpenHandle(live), live, openLive.Identity with { Fingerprint = openLive.Identity.Fingerprint + 2 }, 100))
        {
            checkpointer.RetireTruncated(truncated);
        }

        FileTail[] open = [openLive, openDeleted];
        checkpointer.Save(open);
        // Nothing is gone but the reused inode's old file.
        Assert.Equal(1, checkpointer.ForgetRemoved(open));
        Assert.Equal(4, checkpointer.Unclaimed(open).Count);

        // kubelet compresses one rotated file (renamed here, so the inode stays: only the name tells), the other pod is
        // deleted, the open file is deleted under its reader.
        File.Move(compressed, compressed + ".gz");
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(deletedPod))!, recursive: true);
        File.Delete(deletedWhileOpen);
        Assert.Equal(2, checkpointer.ForgetRemoved(open));
        Assert.Equal(2, checkpointer.Unclaimed(open).Count);

        // The truncated content's checkpoint goes after the grace (a restart soon after may need it for a copy).
        _time.Advance(NodeAgent.Tailing.Checkpointer.TruncatedContentGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, checkpointer.ForgetRemoved(open));

        var remaining = Assert.Single(checkpointer.Unclaimed(open));
        using (var handle = File.OpenHandle(kept))
        {
            Assert.Equal(FileIdentity.Read(handle).Inode, remaining.Identity.Inode);
        }

        checkpointer.Save(open);
        Assert.Equal(3, Store(expiry).Load().Checkpoints.Count);
    }

    [Fact]
    public void The_file_is_written_again_only_when_a_checkpoint_changed_or_after_a_while()
    {
        // Every second a thousand idle files were a 300 KB rewrite and an fsync; now only a change (or the half-minute
        // refresh of discovered_at) writes it.
        var checkpointer = Checkpointer(TimeSpan.FromHours(1));
        checkpointer.LastDiscovery = Start;
        var log = _dir.Write("0.log", new string('x', 200) + "\n");
        using var tail = Tail(log, Identity(1), 100);
        var file = Path.Combine(StatePath, "checkpoints.json");
        checkpointer.Save([tail]);
        var written = IdentityOf(file).Inode;

        for (var second = 0; second < 5; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            checkpointer.Save([tail]);
        }

        // Each write replaces the file (a new inode): none happened.
        Assert.Equal(written, IdentityOf(file).Inode);

        tail.Acks.Reading(null, 150);
        _time.Advance(TimeSpan.FromSeconds(1));
        checkpointer.Save([tail]);
        Assert.NotEqual(written, IdentityOf(file).Inode);
        Assert.Equal(150, Assert.Single(Store(TimeSpan.FromHours(1)).Load().Checkpoints).Offset);

        written = IdentityOf(file).Inode;
        _time.Advance(TimeSpan.FromSeconds(31));
        checkpointer.Save([tail]);
        Assert.NotEqual(written, IdentityOf(file).Inode);
    }

    /// <summary>A tail of a real file, read through <paramref name="path"/>, every line acknowledged up to its end.</summary>
    private static FileTail RealTail(string file, string path)
    {
        var handle = File.OpenHandle(file);
        return Tail(handle, path, FileIdentity.Read(handle), RandomAccess.GetLength(handle));
    }

    private static FileIdentity IdentityOf(string file)
    {
        using var handle = File.OpenHandle(file);
        return FileIdentity.Read(handle);
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
        new(path, handle, identity, offset, DocumentFields.Create("node", path, null, parseJson: false), 1 << 20, new LogDecoder(1 << 20));

    private static FileIdentity Identity(int n) =>
        new(2049, (ulong)n + 1, FileIdentity.Hash(Encoding.UTF8.GetBytes($"file {n}")), FileIdentity.FingerprintBytes);
}
