using System.Globalization;
using System.Text;
using K4os.Compression.LZ4;
using NodeAgent.Journal;

namespace NodeAgent.Tests.Journal;

/// <summary>A kind of journal file: layout (compact or regular), hash (keyed or Jenkins) and the DATA codec.</summary>
public sealed record JournalVariant(string Name, bool Compact, bool KeyedHash, JournalCodec Codec)
{
    public override string ToString() => Name;
}

public enum JournalCodec
{
    None,
    Zstd,
    Lz4,
    Xz,
}

/// <summary>
/// Real journal files for the tests, written by Debian's systemd-journal-remote from export-format input, in the
/// variant asked for: SYSTEMD_JOURNAL_COMPACT and SYSTEMD_JOURNAL_KEYED_HASH choose layout and hash,
/// SYSTEMD_JOURNAL_COMPRESS the codec where this systemd honours it (from 256 on). systemd 252 (Debian 12) compresses
/// with the codec it was built with, zstd, and nothing else: an lz4 or xz file is then made from an uncompressed one
/// by compressing each payload of 512 bytes or more in place as systemd does (lz4: 64-bit size, then the block; xz: a
/// stream without check), and the test checks that journalctl reads it exactly as the original.
/// </summary>
internal static class TestJournals
{
    public static readonly JournalVariant[] Variants =
    [
        new("regular-jenkins-zstd", Compact: false, KeyedHash: false, JournalCodec.Zstd),
        new("regular-keyed-zstd", Compact: false, KeyedHash: true, JournalCodec.Zstd),
        new("compact-jenkins-zstd", Compact: true, KeyedHash: false, JournalCodec.Zstd),
        new("compact-keyed-zstd", Compact: true, KeyedHash: true, JournalCodec.Zstd),
        new("compact-keyed-uncompressed", Compact: true, KeyedHash: true, JournalCodec.None),
        new("regular-jenkins-uncompressed", Compact: false, KeyedHash: false, JournalCodec.None),
        new("compact-keyed-lz4", Compact: true, KeyedHash: true, JournalCodec.Lz4),
        new("regular-jenkins-lz4", Compact: false, KeyedHash: false, JournalCodec.Lz4),
        new("compact-keyed-xz", Compact: true, KeyedHash: true, JournalCodec.Xz),
        new("regular-keyed-xz", Compact: false, KeyedHash: true, JournalCodec.Xz),
    ];

    public static readonly JournalVariant Default = Variants[3];

    /// <summary>
    /// Export-format input of <paramref name="count"/> entries: short fields that repeat (unit, priority, pid), a
    /// unique message with non-ASCII text, and every so often a large compressible value, a binary value with newlines
    /// and NULs, an incompressible one, several values of one field, an empty value; a new boot every 1,000 entries.
    /// </summary>
    public static byte[] Corpus(int count, int seed = 1, ulong firstRealtime = 1_700_000_000_000_000, int firstIndex = 0)
    {
        var random = new Random(seed);
        using var output = new MemoryStream();
        for (var n = 0; n < count; n++)
        {
            var i = firstIndex + n;
            var fields = new List<(string, byte[])>
            {
                ("MESSAGE", Utf8($"entry {i}: ünïcødé ✓ {random.Next()}")),
                ("_SYSTEMD_UNIT", Utf8($"unit-{i % 7}.service")),
                ("PRIORITY", Utf8((i % 8).ToString(CultureInfo.InvariantCulture))),
                ("_PID", Utf8((1000 + i % 50).ToString(CultureInfo.InvariantCulture))),
                ("SYSLOG_IDENTIFIER", Utf8($"app{i % 5}")),
            };
            if (i % 10 == 3)
            {
                fields.Add(("BIG", Utf8(string.Concat(Enumerable.Range(0, 100 + random.Next(400)).Select(k => $"line {k} of entry {i}\n")))));
            }

            if (i % 13 == 5)
            {
                var binary = new byte[1 + random.Next(64)];
                random.NextBytes(binary);
                binary[0] = (byte)'\n';
                fields.Add(("BINARY", [.. binary, 0, (byte)'\n', 0xff]));
            }

            if (i % 31 == 7)
            {
                var noise = new byte[600 + random.Next(2000)];
                random.NextBytes(noise);
                fields.Add(("NOISE", noise));
            }

            if (i % 17 == 2)
            {
                fields.Add(("MULTI", Utf8("first")));
                fields.Add(("MULTI", Utf8($"second {i}")));
                fields.Add(("MULTI", Utf8("third")));
            }

            if (i % 29 == 11)
            {
                fields.Add(("EMPTY", []));
            }

            var boot = $"{i / 1000 + 1:x32}";
            ExportFormat.WriteEntry(output, firstRealtime + (ulong)i * 1_000_003, 5_000_000 + (ulong)(i % 1000) * 997, boot, fields, forceBinary: i % 23 == 0);
        }

        return output.ToArray();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Writes <paramref name="export"/> into the journal file <paramref name="path"/> (appending when it exists)
    /// in <paramref name="variant"/>; returns how the codec was produced, for the test's messages.</summary>
    public static string Write(string path, byte[] export, JournalVariant variant)
    {
        if (variant.Codec is JournalCodec.Lz4 or JournalCodec.Xz && !File.Exists(path))
        {
            RunRemote(path, export, variant, variant.Codec);
            var flag = variant.Codec == JournalCodec.Lz4 ? JournalIncompatibleFlags.CompressedLz4 : JournalIncompatibleFlags.CompressedXz;
            if ((RawJournal.Header(File.ReadAllBytes(path)).IncompatibleFlags & flag) != 0)
            {
                return "written by systemd-journal-remote";
            }

            File.Delete(path);
            RunRemote(path, export, variant, JournalCodec.None);
            var recompressed = Recompress(path, variant.Codec);
            return $"{recompressed} payloads recompressed";
        }

        RunRemote(path, export, variant, variant.Codec);
        return "written by systemd-journal-remote";
    }

    /// <summary>journalctl's export of the file: every field of every entry, binary values included.</summary>
    public static byte[] Export(string path) => JournalTools.Run(JournalTools.Journalctl, ["--file", path, "-o", "export", "--all", "--no-pager"]);

    private static void RunRemote(string path, byte[] export, JournalVariant variant, JournalCodec codec)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SYSTEMD_JOURNAL_COMPACT"] = variant.Compact ? "1" : "0",
            ["SYSTEMD_JOURNAL_KEYED_HASH"] = variant.KeyedHash ? "1" : "0",
        };
        if (codec != JournalCodec.None)
        {
            environment["SYSTEMD_JOURNAL_COMPRESS"] = codec.ToString().ToUpperInvariant();
        }

        JournalTools.Run(JournalTools.Remote, [$"--compress={(codec == JournalCodec.None ? "no" : "yes")}", "-o", path, "-"], export, environment);
    }

    /// <summary>Compresses every uncompressed DATA payload of 512 bytes or more with <paramref name="codec"/> where it
    /// gets smaller, shrinking the object's size, and sets the header's flag; returns how many were compressed.</summary>
    public static int Recompress(string path, JournalCodec codec)
    {
        var file = File.ReadAllBytes(path);
        var header = RawJournal.Header(file);
        var payloadStart = header.IsCompact ? 72 : 64;
        var count = 0;
        foreach (var (offset, type, flags, size) in RawJournal.Objects(file))
        {
            var length = (int)size - payloadStart;
            if (type != JournalObjectType.Data || flags != 0 || length < 512)
            {
                continue;
            }

            var payload = file.AsSpan((int)offset + payloadStart, length).ToArray();
            var compressed = codec == JournalCodec.Lz4 ? Lz4(payload) : XzCompress(payload);
            if (compressed.Length >= length)
            {
                continue;
            }

            file.AsSpan((int)offset + payloadStart, length).Clear();
            compressed.CopyTo(file.AsSpan((int)offset + payloadStart));
            file[offset + 1] = (byte)(codec == JournalCodec.Lz4 ? JournalObjectFlags.CompressedLz4 : JournalObjectFlags.CompressedXz);
            RawJournal.SetU64(file, offset + 8, (ulong)(payloadStart + compressed.Length));
            count++;
        }

        var flag = codec == JournalCodec.Lz4 ? JournalIncompatibleFlags.CompressedLz4 : JournalIncompatibleFlags.CompressedXz;
        BitConverter.TryWriteBytes(file.AsSpan(RawJournal.IncompatibleFlagsOffset, 4), (uint)(header.IncompatibleFlags | flag));
        File.WriteAllBytes(path, file);
        return count;
    }

    public static byte[] Lz4(byte[] payload)
    {
        var block = new byte[LZ4Codec.MaximumOutputSize(payload.Length)];
        var length = LZ4Codec.Encode(payload, block, LZ4Level.L00_FAST);
        var result = new byte[8 + length];
        BitConverter.TryWriteBytes(result.AsSpan(0, 8), (ulong)payload.Length);
        block.AsSpan(0, length).CopyTo(result.AsSpan(8));
        return result;
    }

    /// <summary>An .xz stream as systemd writes it: LZMA2, no integrity check.</summary>
    public static byte[] XzCompress(byte[] payload) => JournalTools.Run(JournalTools.Xz, ["--format=xz", "--check=none", "-c"], payload);
}
