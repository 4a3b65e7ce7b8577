using NodeAgent.Journal;

namespace NodeAgent.Tests.Journal;

/// <summary>Finding journald's files in its directories and putting them in reading order.</summary>
public sealed class JournalDirectoryTests(JournalFixture fixture) : IClassFixture<JournalFixture>
{
    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void Lists_the_journal_files_of_the_machine_directories_in_reading_order()
    {
        var (bytes, _) = fixture.File(compact: true);
        var root = Path.Combine(fixture.Directory, Guid.NewGuid().ToString("N"));
        var machine = Path.Combine(root, "3d1219c7c4c5404aaa1f6d2a48adfda4");
        var other = Path.Combine(root, "0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(machine);
        Directory.CreateDirectory(other);
        Directory.CreateDirectory(Path.Combine(machine, "deeper"));
        // One journald (seqnum id A): two archived files, the active one, a user journal, a dirty file set aside, and
        // a new file with no entry yet; another journald (B) whose entries are older; a file at the top level.
        Write(machine, "system@a-2.journal", bytes, seqnumId: 0xA, head: 1001, realtime: 2000);
        Write(machine, "system@a-1.journal", bytes, seqnumId: 0xA, head: 1, realtime: 1000);
        Write(machine, "system.journal", bytes, seqnumId: 0xA, head: 3001, realtime: 4000);
        Write(machine, "user-1000.journal", bytes, seqnumId: 0xA, head: 2001, realtime: 3000);
        Write(machine, "system@a-3.journal~", bytes, seqnumId: 0xA, head: 2500, realtime: 3500);
        Write(machine, "user-1001.journal", bytes, seqnumId: 0xA, head: 0, realtime: 0, entries: 0);
        Write(other, "system.journal", bytes, seqnumId: 0xB, head: 50, realtime: 10);
        Write(root, "top.journal", bytes, seqnumId: 0xC, head: 7, realtime: 500);
        // Not journal files, or not where journald puts them.
        File.WriteAllText(Path.Combine(machine, "notes.txt"), "x");
        Write(Path.Combine(machine, "deeper"), "too-deep.journal", bytes, seqnumId: 0xA, head: 5, realtime: 5);
        File.CreateSymbolicLink(Path.Combine(machine, "link.journal"), Path.Combine(machine, "system.journal"));
        File.WriteAllText(Path.Combine(machine, "broken.journal"), "not a journal");

        var list = JournalDirectory.List([root, Path.Combine(fixture.Directory, "missing")]);

        Assert.Equal(
            [
                Path.Combine(other, "system.journal"),
                Path.Combine(root, "top.journal"),
                Path.Combine(machine, "system@a-1.journal"),
                Path.Combine(machine, "system@a-2.journal"),
                Path.Combine(machine, "user-1000.journal"),
                Path.Combine(machine, "system@a-3.journal~"),
                Path.Combine(machine, "system.journal"),
                Path.Combine(machine, "user-1001.journal"),
            ],
            list.Files.Select(f => f.Path));
        var unreadable = Assert.Single(list.Unreadable);
        Assert.Equal(Path.Combine(machine, "broken.journal"), unreadable.Path);
        Assert.Contains("bad signature", unreadable.Error, StringComparison.Ordinal);
    }

    /// <summary>A real rotation: the same journal file's entries split over two files of one seqnum id, read in order,
    /// continue seamlessly.</summary>
    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void Files_of_one_journald_read_in_list_order_continue_each_other()
    {
        var root = Path.Combine(fixture.Directory, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var active = Path.Combine(root, "system.journal");
        TestJournals.Write(active, TestJournals.Corpus(30), TestJournals.Default);
        // Archive it as journald does (rename, state archived) and continue in a new file with the same seqnum id.
        var archived = Path.Combine(root, "system@x-1.journal");
        File.Move(active, archived);
        var archivedBytes = File.ReadAllBytes(archived);
        RawJournal.SetState(archivedBytes, JournalFileState.Archived);
        File.WriteAllBytes(archived, archivedBytes);
        TestJournals.Write(active, TestJournals.Corpus(30, seed: 5, firstIndex: 30), TestJournals.Default);
        var activeBytes = File.ReadAllBytes(active);
        var seqnumId = RawJournal.Header(archivedBytes).SeqnumId;
        BitConverter.TryWriteBytes(activeBytes.AsSpan(72, 8), System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(seqnumId.High));
        BitConverter.TryWriteBytes(activeBytes.AsSpan(80, 8), System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(seqnumId.Low));
        File.WriteAllBytes(active, activeBytes);

        var list = JournalDirectory.List([root]);

        Assert.Equal([archived, active], list.Files.Select(f => f.Path));
        Assert.Equal(JournalFileState.Archived, list.Files[0].Header.State);
        Assert.Equal(list.Files[0].Header.SeqnumId, list.Files[1].Header.SeqnumId);
    }

    private static void Write(string directory, string name, byte[] journal, ulong seqnumId, ulong head, ulong realtime, ulong entries = 10)
    {
        var bytes = (byte[])journal.Clone();
        RawJournal.SetU64(bytes, 72, 0);
        RawJournal.SetU64(bytes, 80, System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(seqnumId));
        RawJournal.SetU64(bytes, 168, head);
        RawJournal.SetU64(bytes, 184, realtime);
        RawJournal.SetU64(bytes, RawJournal.EntryCountOffset, entries);
        File.WriteAllBytes(Path.Combine(directory, name), bytes);
    }
}
