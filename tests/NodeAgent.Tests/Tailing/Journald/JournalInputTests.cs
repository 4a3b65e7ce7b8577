using System.Globalization;
using System.Text.Json;
using NodeAgent.Delivery;
using NodeAgent.Tailing.Journald;
using NodeAgent.Tests.Journal;
using NodeAgent.Tests.TestSupport;
using NodeAgent.TestSupport;

namespace NodeAgent.Tests.Tailing.Journald;

/// <summary>
/// The real journal input over real journal files (written by systemd-journal-remote, read back by journalctl as the
/// reference): every entry shipped once with its fields, a restart resuming after what was acknowledged, a crash
/// sending again exactly what was not, filtered entries passed, rotation and vacuuming followed.
/// </summary>
public sealed class JournalInputTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string JournalDirectory => Path.Combine(_dir.Path, "journal");

    private string StatePath => Path.Combine(_dir.Path, "state");

    /// <summary>A journal file under a machine-id directory, as journald lays them out.</summary>
    private string JournalFile(string machine, string name)
    {
        var directory = Path.Combine(JournalDirectory, machine);
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    private static void Write(string path, int count, int firstIndex = 0, JournalVariant? variant = null) =>
        TestJournals.Write(path, TestJournals.Corpus(count, seed: firstIndex + 1, firstIndex: firstIndex), variant ?? TestJournals.Default);

    private JournalHarness Harness(IReadOnlyList<string>? units = null, bool readFromHead = true, BufferBudget? budget = null, bool stalled = false, string? statePath = null, int maxMessageBytes = 1 << 20) =>
        new(JournalDirectory, statePath ?? StatePath, units, readFromHead, budget, stalled, maxMessageBytes);

    private static Task<int> Delivered(JournalHarness run, int count) =>
        Eventually.ValueAsync(() => run.Output.Delivered.Count, n => n >= count, $"{count} entries delivered", Wait);

    /// <summary>Every open file read to its end: nothing more is coming from what is on disk.</summary>
    private static Task AtEnd(JournalHarness run) =>
        Eventually.TrueAsync(() => run.Input.Tails.All(t => t.AtEnd), "every journal file read to its end", Wait);

    private JournalCheckpoint? Saved(string path) =>
        File.Exists(Path.Combine(StatePath, "journal.json"))
            ? JournalCheckpointJson.Parse(File.ReadAllBytes(Path.Combine(StatePath, "journal.json"))).SingleOrDefault(c => c.Path == path)
            : null;

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public async Task Every_entry_is_shipped_once_with_the_fields_journalctl_shows()
    {
        var system = JournalFile("0123456789abcdef0123456789abcdef", "system.journal");
        var user = JournalFile("0123456789abcdef0123456789abcdef", "user-1000.journal");
        Write(system, 300);
        Write(user, 200, firstIndex: 300, new JournalVariant("regular", Compact: false, KeyedHash: false, JournalCodec.Zstd));
        var expected = new Dictionary<string, List<(ulong Seqnum, ExportEntry Entry)>> { [system] = JournalFiles.Read(system), [user] = JournalFiles.Read(user) };

        await using (var run = await Harness().StartAsync())
        {
            await Delivered(run, 500);
            await AtEnd(run);
            await run.StopAsync();

            Assert.Equal(500, run.Output.Delivered.Count);
            Assert.Equal(500, run.Output.Delivered.Select(d => d.Id).Distinct().Count());
            Assert.Equal(500, run.Statistics.Shipped);
            foreach (var (path, entries) in expected)
            {
                var documents = run.Output.Delivered.Where(d => d.Path == path).ToDictionary(d => (ulong)d.Record.StartOffset);
                Assert.Equal(entries.Select(e => e.Seqnum).Order(), documents.Keys.Order());
                foreach (var (seqnum, entry) in entries)
                {
                    AssertDocument(documents[seqnum].Document, path, seqnum, entry);
                }
            }
        }

        // Stopped: each file's checkpoint is its last entry.
        Assert.Equal(expected[system][^1].Seqnum, Saved(system)!.Seqnum);
        Assert.Equal(expected[user][^1].Seqnum, Saved(user)!.Seqnum);
    }

    private static void AssertDocument(JsonElement document, string path, ulong seqnum, ExportEntry entry)
    {
        var realtime = ulong.Parse(entry.Metadata["__REALTIME_TIMESTAMP"], CultureInfo.InvariantCulture);
        var time = DateTimeOffset.UnixEpoch.AddTicks((long)realtime * 10).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        Assert.Equal(time, document.GetProperty("@timestamp").GetString());
        Assert.Equal(JournalFiles.Text(entry, "MESSAGE"), document.GetProperty("message").GetString());
        var log = document.GetProperty("log");
        Assert.Equal(seqnum, log.GetProperty("offset").GetUInt64());
        Assert.Equal(path, log.GetProperty("file").GetProperty("path").GetString());
        Assert.Equal(int.Parse(JournalFiles.Text(entry, "PRIORITY")!, CultureInfo.InvariantCulture), log.GetProperty("syslog").GetProperty("priority").GetInt32());
        Assert.Equal(JournalFiles.Text(entry, "SYSLOG_IDENTIFIER"), log.GetProperty("syslog").GetProperty("appname").GetString());
        Assert.Equal(JournalFiles.Text(entry, "_SYSTEMD_UNIT"), document.GetProperty("systemd").GetProperty("unit").GetString());
        Assert.Equal(long.Parse(JournalFiles.Text(entry, "_PID")!, CultureInfo.InvariantCulture), document.GetProperty("process").GetProperty("pid").GetInt64());
        Assert.Equal(JournalHarness.NodeName, document.GetProperty("host").GetProperty("name").GetString());
        Assert.Equal("journald.logs", document.GetProperty("data_stream").GetProperty("dataset").GetString());
        Assert.False(document.TryGetProperty("stream", out _));
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public async Task A_restart_resumes_after_what_was_acknowledged_and_new_entries_come_once()
    {
        var system = JournalFile("m1", "system.journal");
        Write(system, 300);
        List<string> first;
        await using (var run = await Harness().StartAsync())
        {
            await Delivered(run, 300);
            first = [.. run.Output.Delivered.Select(d => d.Id)];
        }

        // A second systemd-journal-remote run appends to the same file, and another journal appears.
        Write(system, 120, firstIndex: 300);
        var other = JournalFile("m2", "system.journal");
        Write(other, 50, firstIndex: 1000);

        await using (var run = await Harness().StartAsync())
        {
            await Delivered(run, 170);
            await AtEnd(run);
            await run.StopAsync();

            Assert.Equal(170, run.Output.Delivered.Count);
            var second = run.Output.Delivered.Select(d => d.Id).ToList();
            Assert.Empty(second.Intersect(first));
            Assert.Equal(470, first.Concat(second).Distinct().Count());
            Assert.Equal(
                JournalFiles.Read(system).Skip(300).Select(e => JournalFiles.Text(e.Entry, "MESSAGE")),
                run.Output.Delivered.Where(d => d.Path == system).OrderBy(d => d.Record.StartOffset).Select(d => d.Message));
        }
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public async Task After_a_crash_exactly_the_entries_not_acknowledged_are_sent_again_under_their_ids()
    {
        var system = JournalFile("m1", "system.journal");
        Write(system, 400);
        var crashState = Path.Combine(_dir.Path, "state-at-the-crash");
        HashSet<string> unacknowledged;
        List<string> acknowledged;
        await using (var run = await Harness(stalled: true).StartAsync())
        {
            await Eventually.ValueAsync(() => run.Statistics.Shipped, n => n >= 400, "400 entries handed to the stalled output", Wait);
            run.Output.Release();
            acknowledged = [.. run.Output.Delivered.Select(d => d.Id)];
            var lastAcknowledged = JournalFiles.Read(system)[399].Seqnum;
            await Eventually.ValueAsync(() => Saved(system)?.Seqnum, s => s == lastAcknowledged, "the checkpoint at the last acknowledged entry", Wait);

            Write(system, 100, firstIndex: 400);
            await Eventually.ValueAsync(() => run.Statistics.Shipped, n => n >= 500, "the new entries handed to the stalled output", Wait);
            // A save after they were read (it notes the file's new last entry), so the file on disk is one the
            // checkpointer wrote knowing them: it must still hold the last acknowledged one.
            var last = JournalFiles.Read(system)[^1].Seqnum;
            await Eventually.ValueAsync(() => Saved(system)?.TailSeqnum, s => s == last, "a checkpoint saved since the new entries were read", Wait);
            // kill -9 now: the state directory as it is on disk.
            Directory.CreateDirectory(crashState);
            File.Copy(Path.Combine(StatePath, "journal.json"), Path.Combine(crashState, "journal.json"));
            Assert.Equal(lastAcknowledged, JournalCheckpointJson.Parse(File.ReadAllBytes(Path.Combine(crashState, "journal.json"))).Single().Seqnum);
            // What the stalled output holds, named as it would have been stored.
            run.Output.Release();
            unacknowledged = [.. run.Output.Delivered.Select(d => d.Id).Except(acknowledged)];
            Assert.Equal(100, unacknowledged.Count);
        }

        await using (var run = await Harness(statePath: crashState).StartAsync())
        {
            await Delivered(run, 100);
            await AtEnd(run);
            await run.StopAsync();

            Assert.Equal(unacknowledged, run.Output.Delivered.Select(d => d.Id).ToHashSet());
            Assert.Empty(run.Output.Delivered.Select(d => d.Id).Intersect(acknowledged));
        }
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public async Task Filtered_entries_are_counted_and_the_checkpoint_passes_them()
    {
        var system = JournalFile("m1", "system.journal");
        // The corpus's units are unit-0.service … unit-6.service in turn; the last entry (209) is unit-6's.
        Write(system, 210);
        await using var run = await Harness(units: ["unit-3"]).StartAsync();
        await Delivered(run, 30);
        await AtEnd(run);
        await run.StopAsync();

        Assert.Equal(30, run.Output.Delivered.Count);
        Assert.All(run.Output.Documents, d => Assert.Equal("unit-3.service", d.GetProperty("systemd").GetProperty("unit").GetString()));
        Assert.Equal(180, run.Statistics.Filtered);
        Assert.Equal(JournalFiles.Read(system)[^1].Seqnum, Saved(system)!.Seqnum);
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public async Task At_the_first_start_with_read_from_head_off_files_start_at_their_end_and_later_files_at_their_start()
    {
        var system = JournalFile("m1", "system.journal");
        Write(system, 50);
        await using (var run = await Harness(readFromHead: false).StartAsync())
        {
            await Eventually.TrueAsync(() => run.Input.Tails.Count == 1 && run.Input.Tails[0].AtEnd, "the file opened at its end", Wait);
            Write(system, 10, firstIndex: 50);
            await Delivered(run, 10);
            await AtEnd(run);
            await run.StopAsync();
            Assert.Equal(Enumerable.Range(50, 10).Select(i => $"entry {i}:"), run.Output.Messages.Select(m => m[..m.IndexOf(':', StringComparison.Ordinal)] + ":"));
        }

        // Not a first start any more: a file that appeared meanwhile is new, all of it.
        var other = JournalFile("m2", "system.journal");
        Write(other, 40, firstIndex: 100);
        await using (var run = await Harness(readFromHead: false).StartAsync())
        {
            await Delivered(run, 40);
            await AtEnd(run);
            await run.StopAsync();
            Assert.Equal(40, run.Output.Delivered.Count);
            Assert.All(run.Output.Delivered, d => Assert.Equal(other, d.Path));
        }
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public async Task At_the_first_start_with_read_from_head_off_archived_files_waiting_their_turn_start_at_their_end_too()
    {
        // More archived files than are read at once: those opened later were still there at the first start.
        for (var i = 0; i < 6; i++)
        {
            var archived = JournalFile("m1", $"system@{i:x16}.journal");
            Write(archived, 20, firstIndex: i * 20);
            JournalFiles.Archive(archived);
        }

        await using var run = await Harness(readFromHead: false).StartAsync();
        await Eventually.TrueAsync(() => run.Log.Entries.Count(e => e.Id == 1106) == 6, "every archived file opened, read and closed", Wait);
        await run.StopAsync();

        Assert.Empty(run.Output.Delivered);
        Assert.Equal(6, run.Log.Entries.Count(e => e.Id == 1105 && e.Message.Contains("from its end", StringComparison.Ordinal)));
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public async Task A_renamed_file_goes_on_under_its_new_name_and_once_archived_and_read_it_is_closed_for_good()
    {
        var active = JournalFile("m1", "system.journal");
        Write(active, 100);
        await using var run = await Harness().StartAsync();
        await Delivered(run, 100);

        var archived = JournalFile("m1", "system@0000000000000001-0000000000000064.journal");
        File.Move(active, archived);
        await Eventually.TrueAsync(() => run.Input.Tails.Single().Path == archived, "the tail under its new name", Wait);
        Write(archived, 20, firstIndex: 100);
        await Delivered(run, 120);
        Assert.All(run.Output.Delivered.Skip(100), d => Assert.Equal(archived, d.Path));

        // journald archives it and starts a new active file.
        JournalFiles.Archive(archived);
        Write(active, 30, firstIndex: 200);
        await Delivered(run, 150);
        await Eventually.TrueAsync(() => run.Input.Tails.Count == 1 && run.Input.Tails[0].Path == active, "the archived file closed", Wait);
        // Listed again and again (every 200 ms here), it is not opened again.
        await Task.Delay(TimeSpan.FromMilliseconds(1000));
        Assert.Single(run.Input.Tails);
        Assert.DoesNotContain(run.Log.Entries, e => e.Id == 1105 && e.Message.Contains(archived, StringComparison.Ordinal));
        Assert.Equal(150, run.Output.Delivered.Count);
        Assert.Equal(150, run.Output.Delivered.Select(d => d.Id).Distinct().Count());
        Assert.Contains(run.Log.Entries, e => e.Id == 1106 && e.Message.Contains(archived, StringComparison.Ordinal));
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public async Task A_file_vacuumed_while_it_is_read_is_read_to_its_end_through_its_handle()
    {
        var system = JournalFile("m1", "system@archived.journal");
        Write(system, 3000);
        JournalFiles.Archive(system);
        // A budget of one byte: reading pauses after each quantum until the output answers.
        var budget = new BufferBudget(1);
        await using var run = await Harness(budget: budget, stalled: true).StartAsync();
        await Eventually.ValueAsync(() => run.Statistics.Shipped, n => n > 0, "a first quantum read", Wait);
        Assert.True(run.Statistics.Shipped < 3000, "the budget paused reading");

        File.Delete(system);
        await Eventually.TrueAsync(() => run.Log.Entries.Any(e => e.Id == 1107), "the file seen gone", Wait);
        await Eventually.TrueAsync(() =>
        {
            run.Output.Release();
            return run.Output.Delivered.Count == 3000 && run.Input.Tails.Count == 0;
        }, "every entry delivered and the file closed", Wait);
        Assert.Equal(3000, run.Output.Delivered.Select(d => d.Id).Distinct().Count());
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public async Task A_message_is_cut_at_the_cap_and_a_large_field_before_it_does_not_cut_it_shorter()
    {
        var system = JournalFile("m1", "system.journal");
        using (var export = new MemoryStream())
        {
            // A core dump kept in the journal comes before its message: 200 KiB the document does not carry.
            var dump = new byte[200 * 1024];
            new Random(3).NextBytes(dump);
            ExportFormat.WriteEntry(export, 1_700_000_000_000_000, 5_000_000, "0123456789abcdef0123456789abcdef", [("COREDUMP", dump), ("MESSAGE", TestJournals.Utf8(new string('a', 3000)))]);
            ExportFormat.WriteEntry(export, 1_700_000_000_000_001, 5_000_001, "0123456789abcdef0123456789abcdef", [("MESSAGE", TestJournals.Utf8(new string('b', 5000)))]);
            TestJournals.Write(system, export.ToArray(), TestJournals.Default);
        }

        await using var run = await Harness(maxMessageBytes: 4096).StartAsync();
        await Delivered(run, 2);

        var documents = run.Output.Delivered.OrderBy(d => d.Record.StartOffset).ToList();
        Assert.Equal(new string('a', 3000), documents[0].Message);
        Assert.Equal(LogFlags.None, documents[0].Record.Flags);
        Assert.Equal(new string('b', 4096), documents[1].Message);
        Assert.Equal(LogFlags.Truncated, documents[1].Record.Flags);
    }

    [Fact]
    public async Task A_checkpointed_file_gone_at_start_with_entries_never_delivered_is_said_and_counted()
    {
        Directory.CreateDirectory(JournalDirectory);
        Directory.CreateDirectory(StatePath);
        var store = new JournalCheckpointStore(StatePath, TimeProvider.System, TimeSpan.FromHours(24), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        store.Save(
        [
            new JournalCheckpoint(new(1, 1), new(2, 2), 40, "/var/log/journal/m/system@old.journal", DateTimeOffset.UtcNow) { TailSeqnum = 90 },
            new JournalCheckpoint(new(3, 3), new(2, 2), 90, "/var/log/journal/m/system@read.journal", DateTimeOffset.UtcNow) { TailSeqnum = 90 },
        ]);

        await using var run = await Harness().StartAsync();
        await Eventually.TrueAsync(() => run.Log.Entries.Any(e => e.Id is 1108 or 1109), "the missing files said", Wait);
        await Eventually.TrueAsync(() => run.Log.Entries.Count(e => e.Id is 1108 or 1109) == 2, "both missing files said", Wait);

        Assert.Equal(1, run.Statistics.FilesLost);
        Assert.Contains(run.Log.Entries, e => e.Id == 1109 && e.Message.Contains("system@old.journal", StringComparison.Ordinal) && e.Message.Contains("after seqnum 40, up to 90", StringComparison.Ordinal));
        Assert.Contains(run.Log.Entries, e => e.Id == 1108 && e.Message.Contains("system@read.journal", StringComparison.Ordinal));
    }
}
