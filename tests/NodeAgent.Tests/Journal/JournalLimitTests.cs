using NodeAgent.Journal;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Journal;

/// <summary>The reader's caps on real files: a value over the field cap comes cut to it and flagged, whatever its
/// codec, and the entry's other fields whole.</summary>
public sealed class JournalLimitTests
{
    public static TheoryData<JournalVariant> Codecs() =>
        [.. TestJournals.Variants.Where(v => v.Name is "compact-keyed-zstd" or "compact-keyed-uncompressed" or "compact-keyed-lz4" or "regular-keyed-xz")];

    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl, JournalTools.Xz)]
    [MemberData(nameof(Codecs))]
    public void A_field_over_the_cap_comes_cut_and_flagged(JournalVariant variant)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "limit.journal");
        TestJournals.Write(path, TestJournals.Corpus(300), variant);
        var export = ExportFormat.Parse(TestJournals.Export(path));

        var entries = JournalReading.ReadAll(path, new JournalReaderOptions { MaxFieldBytes = 1000 });

        Assert.Equal(export.Count, entries.Count);
        var cut = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var fields = entries[i].Fields.Where(f => f.Name != "_BOOT_ID").ToList();
            Assert.Equal(export[i].Fields.Select(f => f.Name), fields.Select(f => f.Name));
            for (var f = 0; f < fields.Count; f++)
            {
                var whole = export[i].Fields[f].Value;
                var payload = fields[f].Name.Length + 1 + whole.Length;
                Assert.Equal(payload > 1000, fields[f].Truncated);
                var expected = payload > 1000 ? whole.AsSpan(0, 1000 - fields[f].Name.Length - 1) : whole;
                Assert.True(expected.SequenceEqual(fields[f].Value.Span), $"entry {i} field {fields[f].Name}");
                cut += fields[f].Truncated ? 1 : 0;
            }
        }

        Assert.True(cut >= 30, $"{cut} fields cut");
    }

    /// <summary>An entry's fields together stay under the entry cap: once it is spent, each further field keeps its
    /// name and the start of its value (at least 512 bytes of payload).</summary>
    [JournalToolFact(JournalTools.Remote, JournalTools.Journalctl)]
    public void An_entry_over_the_entry_cap_has_its_later_fields_cut()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "entry-limit.journal");
        TestJournals.Write(path, TestJournals.Corpus(300), TestJournals.Default);

        var entries = JournalReading.ReadAll(path, new JournalReaderOptions { MaxEntryBytes = 1200 });

        Assert.All(entries, e => Assert.True(e.Fields.Sum(f => f.Name.Length + 1 + f.Value.Length) <= 1200 + JournalReaderOptions.MinimumFieldBytes * e.Fields.Count(f => f.Truncated)));
        Assert.Contains(entries, e => e.Fields.Any(f => f.Truncated));
        Assert.All(entries.SelectMany(e => e.Fields).Where(f => f.Truncated), f => Assert.True(f.Name.Length + 1 + f.Value.Length >= JournalReaderOptions.MinimumFieldBytes));
    }
}
