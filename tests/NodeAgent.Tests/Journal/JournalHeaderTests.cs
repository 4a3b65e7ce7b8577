using System.Buffers.Binary;
using System.Globalization;
using NodeAgent.Journal;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Journal;

public sealed class JournalHeaderTests
{
    [JournalToolTheory(JournalTools.Remote, JournalTools.Journalctl)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Reads_what_journalctl_prints_of_a_real_header(bool compact, bool keyed)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "header.journal");
        TestJournals.Write(path, TestJournals.Corpus(100), new JournalVariant("h", compact, keyed, JournalCodec.Zstd));
        var printed = System.Text.Encoding.UTF8.GetString(JournalTools.Run(JournalTools.Journalctl, ["--file", path, "--header", "--no-pager"]))
            .Split('\n').Where(l => l.Contains(": ", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(": ", StringComparison.Ordinal)], l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..], StringComparer.Ordinal);

        using var reader = JournalFileReader.Open(path);
        var header = reader.Header;

        Assert.Equal(printed["File ID"], header.FileId.ToString());
        Assert.Equal(printed["Machine ID"], header.MachineId.ToString());
        Assert.Equal(printed["Boot ID"], header.TailEntryBootId.ToString());
        Assert.Equal(printed["Sequential number ID"], header.SeqnumId.ToString());
        Assert.Equal(printed["State"], header.State.ToString().ToUpperInvariant());
        Assert.Equal(printed["Header size"], header.HeaderSize.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(printed["Arena size"], header.ArenaSize.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(printed["Objects"], header.ObjectCount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(printed["Entry objects"], header.EntryCount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(printed["Entry array objects"], header.EntryArrayCount.ToString(CultureInfo.InvariantCulture));
        Assert.StartsWith(header.HeadEntrySeqnum.ToString(CultureInfo.InvariantCulture) + " ", printed["Head sequential number"], StringComparison.Ordinal);
        Assert.StartsWith(header.TailEntrySeqnum.ToString(CultureInfo.InvariantCulture) + " ", printed["Tail sequential number"], StringComparison.Ordinal);
        Assert.EndsWith($"({header.HeadEntryRealtime:x})", printed["Head realtime timestamp"], StringComparison.Ordinal);
        Assert.EndsWith($"({header.TailEntryRealtime:x})", printed["Tail realtime timestamp"], StringComparison.Ordinal);
        Assert.EndsWith($"({header.TailEntryMonotonic:x})", printed["Tail monotonic timestamp"], StringComparison.Ordinal);
        Assert.Equal(compact, printed["Incompatible flags"].Contains("COMPACT", StringComparison.Ordinal));
        Assert.Equal(keyed, printed["Incompatible flags"].Contains("KEYED-HASH", StringComparison.Ordinal));
        Assert.Equal(compact, header.IsCompact);
        Assert.Equal(keyed, header.IsKeyedHash);
    }

    [Fact]
    public void A_header_of_the_first_format_reads_with_the_later_fields_as_zero()
    {
        var bytes = Header(headerSize: 208, length: 208);
        RawJournal.SetU64(bytes, RawJournal.EntryCountOffset, 7);

        var header = JournalHeader.Parse(bytes, "old");

        Assert.Equal(208UL, header.HeaderSize);
        Assert.Equal(7UL, header.EntryCount);
        Assert.Equal(0UL, header.EntryArrayCount);
    }

    [Fact]
    public void A_longer_header_than_known_reads_its_known_part()
    {
        var bytes = Header(headerSize: 512, length: 272);
        RawJournal.SetU64(bytes, 232, 9);

        var header = JournalHeader.Parse(bytes, "new");

        Assert.Equal(512UL, header.HeaderSize);
        Assert.Equal(9UL, header.EntryArrayCount);
    }

    [Fact]
    public void An_unknown_compatible_flag_is_ignored()
    {
        var bytes = Header(headerSize: 272, length: 272);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(RawJournal.CompatibleFlagsOffset), 1u << 20);

        Assert.Equal((JournalCompatibleFlags)(1u << 20), JournalHeader.Parse(bytes, "f").CompatibleFlags);
    }

    [Theory]
    [InlineData("signature", "bad signature")]
    [InlineData("incompatible", "unknown incompatible flags 0x20")]
    [InlineData("header-size", "invalid header_size 200")]
    [InlineData("misaligned-header-size", "invalid header_size 212")]
    [InlineData("state", "invalid state 3")]
    [InlineData("short", "truncated header: 100 bytes")]
    [InlineData("empty", "bad signature")]
    public void A_header_that_cannot_be_read_is_refused_saying_why(string damage, string reason)
    {
        var bytes = Header(headerSize: 272, length: 272);
        switch (damage)
        {
            case "signature":
                bytes[0] = (byte)'X';
                break;
            case "incompatible":
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(RawJournal.IncompatibleFlagsOffset), (uint)JournalIncompatibleFlags.Compact | 1u << 5);
                break;
            case "header-size":
                RawJournal.SetU64(bytes, RawJournal.HeaderSizeOffset, 200);
                break;
            case "misaligned-header-size":
                RawJournal.SetU64(bytes, RawJournal.HeaderSizeOffset, 212);
                break;
            case "state":
                bytes[RawJournal.StateOffset] = 3;
                break;
            case "short":
                bytes = bytes[..100];
                break;
            case "empty":
                bytes = [];
                break;
        }

        var error = Assert.Throws<JournalFormatException>(() => JournalHeader.Parse(bytes, "damaged.journal"));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("damaged.journal: ", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Header(ulong headerSize, int length)
    {
        var bytes = new byte[length];
        "LPKSHHRH"u8.CopyTo(bytes);
        RawJournal.SetU64(bytes, RawJournal.HeaderSizeOffset, headerSize);
        return bytes;
    }
}
