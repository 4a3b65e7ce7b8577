using NodeAgent.Journal;

namespace NodeAgent.Tests.Journal;

/// <summary>
/// Damaged copies of real journal files (closed: journald wrote them completely) are refused with
/// <see cref="JournalFormatException"/>, saying what and where, after the entries before the damage, which are
/// journalctl's: never a crash, a hang, or garbage.
/// </summary>
public sealed class JournalDamageTests(JournalFixture fixture) : IClassFixture<JournalFixture>
{
    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void A_file_that_is_not_a_journal_is_refused()
    {
        var path = fixture.Save("MESSAGE=plain text, not a journal\n"u8.ToArray());

        var error = Assert.Throws<JournalFormatException>(() => JournalFileReader.Open(path));

        Assert.Contains("bad signature", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Path);
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void An_incompatible_flag_of_a_newer_systemd_is_refused()
    {
        var (bytes, _) = fixture.File(compact: true);
        bytes[RawJournal.IncompatibleFlagsOffset] |= 1 << 6;

        var error = Assert.Throws<JournalFormatException>(() => JournalFileReader.Open(fixture.Save(bytes)));

        Assert.Contains("unknown incompatible flags 0x40", error.Message, StringComparison.Ordinal);
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void A_file_cut_inside_its_header_is_refused()
    {
        var (bytes, _) = fixture.File(compact: true);

        var error = Assert.Throws<JournalFormatException>(() => JournalFileReader.Open(fixture.Save(bytes[..240])));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl)]
    [InlineData(true, 0.0)]
    [InlineData(true, 0.35)]
    [InlineData(true, 0.7)]
    [InlineData(false, 0.5)]
    [InlineData(false, 0.95)]
    public void A_truncated_file_gives_the_entries_before_the_cut_then_a_clean_error(bool compact, double fraction)
    {
        var (bytes, export) = fixture.File(compact);
        var header = RawJournal.Header(bytes);
        var cut = (int)header.HeaderSize + (int)(((long)header.TailObjectOffset - (long)header.HeaderSize) * fraction);

        var (entries, error) = JournalFixture.ReadUntilError(fixture.Save(bytes[..cut]));

        Assert.True(entries.Count < export.Count);
        JournalReading.AssertSameAsJournalctl(export[..entries.Count], entries);
        Assert.Matches("past the end of the file|outside the file", error.Reason);
    }

    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl)]
    [InlineData(true)]
    [InlineData(false)]
    public void An_entry_array_item_pointing_outside_the_file_is_refused(bool compact)
    {
        var (bytes, export) = fixture.File(compact);
        SetEntryItem(bytes, 100, (ulong)bytes.Length + 4096);

        var (entries, error) = JournalFixture.ReadUntilError(fixture.Save(bytes));

        JournalReading.AssertSameAsJournalctl(export[..100], entries);
        Assert.Contains("past the end of the file", error.Reason, StringComparison.Ordinal);
    }

    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl)]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    [InlineData(false, 3)]
    public void A_loop_in_the_entry_array_chain_is_refused(bool compact, int back)
    {
        var (bytes, export) = fixture.File(compact);
        var arrays = RawJournal.EntryArrays(bytes);
        // Arrays 0 to 3 are full (more follow): their entries come, then the fourth links back to itself (back = 1)
        // or to the first (back = 3).
        var before = arrays.Take(4).Sum(a => Capacity(bytes, a));
        RawJournal.SetU64(bytes, arrays[3] + 16, (ulong)arrays[4 - back]);

        var (entries, error) = JournalFixture.ReadUntilError(fixture.Save(bytes));

        Assert.Equal(before, entries.Count);
        JournalReading.AssertSameAsJournalctl(export[..before], entries);
        Assert.Contains("a loop or damage", error.Reason, StringComparison.Ordinal);
    }

    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl)]
    [InlineData(true, 1UL << 62)]
    [InlineData(false, 1UL << 62)]
    [InlineData(true, 8UL)]
    [InlineData(true, 64UL + 3)]
    [InlineData(false, 64UL + 8)]
    public void An_entry_of_absurd_size_is_refused(bool compact, ulong size)
    {
        var (bytes, export) = fixture.File(compact);
        RawJournal.SetU64(bytes, RawJournal.EntryOffsets(bytes)[700] + 8, size);

        var (entries, error) = JournalFixture.ReadUntilError(fixture.Save(bytes));

        JournalReading.AssertSameAsJournalctl(export[..700], entries);
        Assert.StartsWith("entry of absurd size", error.Reason, StringComparison.Ordinal);
        Assert.Equal(RawJournal.EntryOffsets(bytes)[700], error.Offset);
    }

    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl)]
    [InlineData(true, 1UL << 62, "data object of absurd size")]
    [InlineData(false, 1UL << 40, "data object of absurd size")]
    [InlineData(true, 16UL, "data object of absurd size")]
    public void A_data_object_of_absurd_size_is_refused(bool compact, ulong size, string reason)
    {
        var (bytes, export) = fixture.File(compact);
        RawJournal.SetU64(bytes, DataObjectOf(bytes, 42, "MESSAGE") + 8, size);

        var (entries, error) = JournalFixture.ReadUntilError(fixture.Save(bytes));

        JournalReading.AssertSameAsJournalctl(export[..42], entries);
        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void An_entry_item_pointing_to_another_kind_of_object_is_refused()
    {
        var (bytes, export) = fixture.File(compact: true);
        var entries = RawJournal.EntryOffsets(bytes);
        // Entry 10's first item names entry 9 instead of a DATA object.
        BitConverter.TryWriteBytes(bytes.AsSpan((int)entries[10] + 64, 4), (uint)entries[9]);

        var (read, error) = JournalFixture.ReadUntilError(fixture.Save(bytes));

        JournalReading.AssertSameAsJournalctl(export[..10], read);
        Assert.Equal("object of type 3 where a data object was expected", error.Reason);
    }

    /// <summary>A changed byte in a payload: an uncompressed one, or a zstd one (journald's frames carry no checksum,
    /// so it may even decode): the entry's xor_hash, or the codec, catches it.</summary>
    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl)]
    [InlineData("MESSAGE")]
    [InlineData("BIG")]
    public void A_changed_payload_is_refused(string field)
    {
        var (bytes, export) = fixture.File(compact: true);
        var index = export.FindIndex(e => e.Fields.Any(f => f.Name == field) && export.IndexOf(e) > 500);
        var data = DataObjectOf(bytes, index, field);
        const int payloadStart = 72; // compact DATA objects
        bytes[data + payloadStart + ((int)RawJournal.U64(bytes, data + 8) - payloadStart) / 2] ^= 0x55;

        var (entries, error) = JournalFixture.ReadUntilError(fixture.Save(bytes));

        JournalReading.AssertSameAsJournalctl(export[..index], entries);
        Assert.Matches("xor_hash|does not decode", error.Reason);
    }

    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void SkipEntry_steps_over_a_damaged_entry_to_the_next()
    {
        var (bytes, export) = fixture.File(compact: true);
        RawJournal.SetU64(bytes, RawJournal.EntryOffsets(bytes)[300] + 8, 1UL << 62);
        using var reader = JournalFileReader.Open(fixture.Save(bytes));

        var before = JournalReading.ReadAvailableUntilError(reader, out var error);
        reader.SkipEntry();
        var after = JournalReading.ReadAvailable(reader, out var status);

        Assert.NotNull(error);
        Assert.Equal(JournalReadStatus.End, status);
        JournalReading.AssertSameAsJournalctl(export[..300], before);
        JournalReading.AssertSameAsJournalctl(export[301..], after);
    }

    private static void SetEntryItem(byte[] bytes, int index, ulong value)
    {
        var compact = RawJournal.Header(bytes).IsCompact;
        var seen = 0;
        foreach (var array in RawJournal.EntryArrays(bytes))
        {
            var capacity = Capacity(bytes, array);
            if (index < seen + capacity)
            {
                var at = (int)array + 24 + (index - seen) * (compact ? 4 : 8);
                if (compact)
                {
                    BitConverter.TryWriteBytes(bytes.AsSpan(at, 4), (uint)value);
                }
                else
                {
                    RawJournal.SetU64(bytes, at, value);
                }

                return;
            }

            seen += capacity;
        }

        throw new ArgumentOutOfRangeException(nameof(index));
    }

    private static int Capacity(byte[] bytes, long array) =>
        ((int)RawJournal.U64(bytes, array + 8) - 24) / (RawJournal.Header(bytes).IsCompact ? 4 : 8);

    /// <summary>The offset of the DATA object that holds <paramref name="field"/> in entry <paramref name="index"/>:
    /// the item at the position the reader returns the field at (items and fields are in the same order).</summary>
    private long DataObjectOf(byte[] bytes, int index, string field)
    {
        using var reader = JournalFileReader.Open(fixture.Save(bytes));
        for (var i = 0; i <= index; i++)
        {
            Assert.Equal(JournalReadStatus.Entry, reader.TryReadNext(out var entry));
            if (i == index)
            {
                var item = entry!.Fields.ToList().FindIndex(f => f.Name == field);
                return RawJournal.DataOffset(bytes, entry.Offset, item);
            }
        }

        throw new InvalidOperationException("unreachable");
    }
}
