using NodeAgent.Journal;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Journal;

/// <summary>
/// The reader against systemd's own: real journal files of every variant, written by systemd-journal-remote, read
/// entry by entry and field by field exactly as journalctl reads them.
/// </summary>
public sealed class JournalCrossCheckTests
{
    private const int EntryCount = 3000;

    public static TheoryData<JournalVariant> Variants() => [.. TestJournals.Variants];

    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl, JournalTools.Xz)]
    [MemberData(nameof(Variants))]
    public void Every_entry_and_field_is_the_one_journalctl_reads(JournalVariant variant)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "variant.journal");
        var how = TestJournals.Write(path, TestJournals.Corpus(EntryCount), variant);
        var file = File.ReadAllBytes(path);

        // The file really is the variant: its header says so, its DATA objects use the codec, and its entries need
        // several entry arrays.
        var header = RawJournal.Header(file);
        Assert.Equal(variant.Compact, header.IsCompact);
        Assert.Equal(variant.KeyedHash, header.IsKeyedHash);
        Assert.Equal(JournalFileState.Offline, header.State);
        var codecs = RawJournal.Objects(file).Where(o => o.Type == JournalObjectType.Data).GroupBy(o => (JournalObjectFlags)o.Flags).ToDictionary(g => g.Key, g => g.Count());
        var expectedFlag = variant.Codec switch
        {
            JournalCodec.Zstd => JournalObjectFlags.CompressedZstd,
            JournalCodec.Lz4 => JournalObjectFlags.CompressedLz4,
            JournalCodec.Xz => JournalObjectFlags.CompressedXz,
            _ => JournalObjectFlags.None,
        };
        Assert.True(codecs.GetValueOrDefault(expectedFlag) > 50, $"{how}: DATA objects by codec: {string.Join(", ", codecs)}");
        Assert.Equal(variant.Codec == JournalCodec.None ? 1 : 2, codecs.Count);
        Assert.True(RawJournal.EntryArrays(file).Count >= 5, $"{RawJournal.EntryArrays(file).Count} entry arrays");
        Assert.Equal((ulong)EntryCount, header.EntryCount);

        // journalctl decodes every payload of the file: each large value of the input is there.
        var expected = ExportFormat.Parse(TestJournals.Export(path));
        Assert.Equal(EntryCount / 10, expected.Count(e => e.Fields.Any(f => f.Name == "BIG" && f.Value.Length > 1000)));
        JournalReading.AssertSameAsJournalctl(expected, JournalReading.ReadAll(path));
    }

    /// <summary>The corpus exercises what it claims to: binary values, several values of one field, empty and large ones.</summary>
    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void The_corpus_holds_binary_repeated_empty_and_large_values()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "corpus.journal");
        TestJournals.Write(path, TestJournals.Corpus(200), TestJournals.Default);
        var entries = JournalReading.ReadAll(path);

        Assert.Equal(200, entries.Count);
        Assert.Contains(entries, e => e.Fields.Count(f => f.Name == "MULTI") == 3);
        Assert.Contains(entries, e => e.Fields.Any(f => f.Name == "BINARY" && f.Value.Span.Contains((byte)0) && f.Value.Span.Contains((byte)'\n')));
        Assert.Contains(entries, e => e.Fields.Any(f => f.Name == "EMPTY" && f.Value.Length == 0));
        Assert.Contains(entries, e => e.Fields.Any(f => f.Name == "BIG" && f.Value.Length > 4096));
        var first = entries[0];
        Assert.True(first.TryGetValue("_SYSTEMD_UNIT", out var unit));
        Assert.Equal("unit-0.service", System.Text.Encoding.UTF8.GetString(unit.Span));
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero), first.Timestamp);
    }
}
