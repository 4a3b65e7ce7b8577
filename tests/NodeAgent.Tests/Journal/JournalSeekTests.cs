using NodeAgent.Journal;

namespace NodeAgent.Tests.Journal;

/// <summary>Resuming after a position (seqnum id and seqnum, as a checkpoint keeps them): the entries after it, each once.</summary>
public sealed class JournalSeekTests(JournalFixture fixture) : IClassFixture<JournalFixture>
{
    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl)]
    [InlineData(true, new[] { 0, 1, 2, 3, 4, 5, 7, 8, 100, 1023, 1024, 1025, 1998, 1999 })]
    [InlineData(false, new[] { 0, 3, 4, 500, 1999 })]
    public void After_a_position_come_exactly_the_entries_after_it(bool compact, int[] positions)
    {
        var (bytes, export) = fixture.File(compact);
        var path = fixture.Save(bytes);
        var all = JournalReading.ReadAll(path);

        foreach (var k in positions)
        {
            using var reader = JournalFileReader.Open(path);
            reader.SeekAfter(all[k].Position);
            Assert.Equal(all[k].Position, reader.Position);

            var after = JournalReading.ReadAvailable(reader, out var status);

            Assert.Equal(JournalReadStatus.End, status);
            Assert.Equal(all.Skip(k + 1).Select(e => e.Cursor), after.Select(e => e.Cursor));
        }

        JournalReading.AssertSameAsJournalctl(export, all);
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void A_position_of_another_journal_reads_the_file_from_its_start()
    {
        var (bytes, _) = fixture.File(compact: true);
        var path = fixture.Save(bytes);
        using var reader = JournalFileReader.Open(path);

        reader.SeekAfter(new JournalPosition(new JournalId(1, 2), 1500));
        var entries = JournalReading.ReadAvailable(reader, out _);

        Assert.Equal(JournalFixture.EntryCount, entries.Count);
        Assert.Equal(1UL, entries[0].Seqnum);
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void A_position_before_the_first_entry_reads_every_entry()
    {
        var (bytes, _) = fixture.File(compact: true);
        using var reader = JournalFileReader.Open(fixture.Save(bytes));

        reader.SeekAfter(new JournalPosition(reader.Header.SeqnumId, 0));

        Assert.Equal(JournalFixture.EntryCount, JournalReading.ReadAvailable(reader, out _).Count);
    }

    /// <summary>The file's last entry, or a later seqnum (entries since went to a newer file): nothing now, and the
    /// entries appended later.</summary>
    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl)]
    [InlineData(0)]
    [InlineData(5)]
    public void A_position_at_or_past_the_tail_gives_what_is_appended_later(int beyondTail)
    {
        var path = Path.Combine(fixture.Directory, Guid.NewGuid().ToString("N") + ".journal");
        TestJournals.Write(path, TestJournals.Corpus(40), TestJournals.Default);
        using var reader = JournalFileReader.Open(path);
        reader.SeekAfter(new JournalPosition(reader.Header.SeqnumId, reader.Header.TailEntrySeqnum + (ulong)beyondTail));

        Assert.Equal(JournalReadStatus.End, reader.TryReadNext(out _));
        TestJournals.Write(path, TestJournals.Corpus(20, seed: 3, firstIndex: 40), TestJournals.Default);
        var appended = JournalReading.ReadAvailable(reader, out _);

        Assert.Equal(Enumerable.Range(41 + beyondTail, 20 - beyondTail).Select(i => (ulong)i), appended.Select(e => e.Seqnum));
    }

    /// <summary>The seek passes the entries before the position by their seqnum alone: it reads few entry objects
    /// and no DATA object, so resuming in a large file is quick.</summary>
    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void Seeking_does_not_read_the_entries_it_passes()
    {
        var (bytes, _) = fixture.File(compact: true);
        var path = fixture.Save(bytes);
        using var full = JournalFileReader.Open(path);
        var before = GC.GetAllocatedBytesForCurrentThread();
        JournalReading.ReadAvailable(full, out _);
        var readingAll = GC.GetAllocatedBytesForCurrentThread() - before;

        using var reader = JournalFileReader.Open(path);
        reader.SeekAfter(new JournalPosition(reader.Header.SeqnumId, 1990));
        before = GC.GetAllocatedBytesForCurrentThread();
        var rest = JournalReading.ReadAvailable(reader, out _);
        var seeking = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10, rest.Count);
        Assert.True(seeking * 20 < readingAll, $"seeking and reading 10 entries allocated {seeking} bytes, reading all 2,000 {readingAll}");
    }
}
