using NodeAgent.Journal;

namespace NodeAgent.Tests.Journal;

/// <summary>Reading helpers of the journal tests, and the comparison of the reader's entries with journalctl's.</summary>
internal static class JournalReading
{
    /// <summary>Every entry <paramref name="reader"/> returns until it reports anything else; that status comes out.</summary>
    public static List<JournalEntry> ReadAvailable(JournalFileReader reader, out JournalReadStatus status)
    {
        var entries = new List<JournalEntry>();
        while ((status = reader.TryReadNext(out var entry)) == JournalReadStatus.Entry)
        {
            entries.Add(entry!);
        }

        return entries;
    }

    /// <summary>Every entry until the reader throws <see cref="JournalFormatException"/> (the error comes out) or stops.</summary>
    public static List<JournalEntry> ReadAvailableUntilError(JournalFileReader reader, out JournalFormatException? error)
    {
        var entries = new List<JournalEntry>();
        error = null;
        try
        {
            while (reader.TryReadNext(out var entry) == JournalReadStatus.Entry)
            {
                entries.Add(entry!);
            }
        }
        catch (JournalFormatException e)
        {
            error = e;
        }

        return entries;
    }

    public static List<JournalEntry> ReadAll(string path, JournalReaderOptions? options = null)
    {
        using var reader = JournalFileReader.Open(path, options);
        var entries = ReadAvailable(reader, out var status);
        Assert.Equal(JournalReadStatus.End, status);
        return entries;
    }

    /// <summary>
    /// The reader's entries are journalctl's, one for one: the cursor (seqnum id, seqnum, boot id, monotonic and
    /// realtime timestamps, xor hash), and every field in order with its exact bytes. journalctl prints _BOOT_ID from
    /// the entry's header, so the reader's _BOOT_ID field, where the entry has one, must say the same.
    /// </summary>
    public static void AssertSameAsJournalctl(IReadOnlyList<ExportEntry> expected, IReadOnlyList<JournalEntry> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var want = expected[i];
            var got = actual[i];
            Assert.Equal(want.Metadata["__CURSOR"], got.Cursor);
            Assert.Equal(want.Metadata["__REALTIME_TIMESTAMP"], got.RealtimeMicroseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(want.Metadata["__MONOTONIC_TIMESTAMP"], got.MonotonicMicroseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(want.Metadata["_BOOT_ID"], got.BootId.ToString());
            var fields = got.Fields.Where(f => f.Name != "_BOOT_ID").ToList();
            Assert.True(want.Fields.Count == fields.Count, $"entry {i} ({got.Cursor}): journalctl has {want.Fields.Count} fields, the reader {fields.Count}: "
                + string.Join(",", want.Fields.Select(f => f.Name)) + " / " + string.Join(",", fields.Select(f => f.Name)));
            for (var f = 0; f < fields.Count; f++)
            {
                Assert.Equal(want.Fields[f].Name, fields[f].Name);
                Assert.False(fields[f].Truncated);
                Assert.True(want.Fields[f].Value.AsSpan().SequenceEqual(fields[f].Value.Span), $"entry {i} field {fields[f].Name} differs");
            }

            Assert.All(got.Fields.Where(f => f.Name == "_BOOT_ID"), f => Assert.Equal(got.BootId.ToString(), System.Text.Encoding.ASCII.GetString(f.Value.Span)));
        }
    }
}
