using System.Buffers.Binary;
using System.Text;
using K4os.Compression.LZ4;
using NodeAgent.Journal;
using ZstdSharp;

namespace NodeAgent.Tests.Journal;

/// <summary>The codecs as systemd writes them, and the cap that keeps a hostile payload from taking the memory.</summary>
public sealed class JournalDecompressorTests
{
    private static readonly byte[] Payload = Encoding.ASCII.GetBytes("MESSAGE=" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i}\n")));

    /// <summary>Larger than a zstd block (128 KiB) several times over, and than an LZMA2 chunk.</summary>
    private static readonly byte[] LargePayload = Encoding.ASCII.GetBytes("MESSAGE=" + string.Concat(Enumerable.Range(0, 60000).Select(i => $"line {i} {i * 7919 % 1000}\n")));

    public static TheoryData<JournalCodec> Codecs() => [JournalCodec.Zstd, JournalCodec.Lz4, JournalCodec.Xz];

    [JournalToolTheory(JournalTools.Xz)]
    [MemberData(nameof(Codecs))]
    public void Decodes_a_payload_whole(JournalCodec codec)
    {
        using var decompressor = new JournalDecompressor();

        var decoded = decompressor.Decode(Flag(codec), Compress(codec, Payload), sourceComplete: true, maxBytes: 1 << 20, out var truncated);

        Assert.Equal(Payload, decoded);
        Assert.False(truncated);
    }

    [JournalToolTheory(JournalTools.Xz)]
    [MemberData(nameof(Codecs))]
    public void Decodes_no_more_than_the_cap_and_says_it_cut(JournalCodec codec)
    {
        using var decompressor = new JournalDecompressor();

        var decoded = decompressor.Decode(Flag(codec), Compress(codec, Payload), sourceComplete: true, maxBytes: 1000, out var truncated);

        Assert.Equal(Payload.AsSpan(0, 1000).ToArray(), decoded);
        Assert.True(truncated);
    }

    [JournalToolTheory(JournalTools.Xz)]
    [MemberData(nameof(Codecs))]
    public void The_first_part_of_a_payload_decodes_to_the_start_of_the_value(JournalCodec codec)
    {
        using var decompressor = new JournalDecompressor();
        var compressed = Compress(codec, LargePayload);

        var decoded = decompressor.Decode(Flag(codec), compressed.AsMemory(0, compressed.Length * 3 / 4), sourceComplete: false, maxBytes: 1 << 24, out var truncated);

        Assert.NotNull(decoded);
        Assert.True(truncated);
        Assert.InRange(decoded.Length, 1, LargePayload.Length - 1);
        Assert.Equal(LargePayload.AsSpan(0, decoded.Length).ToArray(), decoded);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Garbage_does_not_decode(JournalCodec codec)
    {
        using var decompressor = new JournalDecompressor();
        var garbage = new byte[300];
        new Random(7).NextBytes(garbage);
        BinaryPrimitives.WriteUInt64LittleEndian(garbage, 5000);

        Assert.Null(decompressor.Decode(Flag(codec), garbage, sourceComplete: true, maxBytes: 1 << 20, out _));
    }

    /// <summary>An LZ4 payload whose size prefix claims a terabyte: refused, nothing of that size allocated.</summary>
    [Fact]
    public void An_lz4_size_beyond_what_lz4_can_hold_is_refused()
    {
        using var decompressor = new JournalDecompressor();
        var payload = TestJournals.Lz4(Payload);
        BinaryPrimitives.WriteUInt64LittleEndian(payload, 1UL << 40);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(decompressor.Decode(JournalObjectFlags.CompressedLz4, payload, sourceComplete: true, maxBytes: 1 << 20, out _));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    /// <summary>A zstd frame that claims a terabyte and holds one run-length block of 100,000 bytes: no buffer beyond
    /// the cap, and the short content does not pass as a whole value.</summary>
    [Fact]
    public void A_zstd_frame_claiming_a_terabyte_takes_only_the_cap()
    {
        using var decompressor = new JournalDecompressor();
        // Magic; descriptor: 8-byte content size, single segment; the size; a last RLE block of 100,000 'A's (RFC 8878).
        var frame = new byte[4 + 1 + 8 + 3 + 1];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, 0xFD2FB528);
        frame[4] = 0xE0;
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(5), 1UL << 40);
        var block = (100_000 << 3) | (1 << 1) | 1;
        frame[13] = (byte)block;
        frame[14] = (byte)(block >> 8);
        frame[15] = (byte)(block >> 16);
        frame[16] = (byte)'A';
        Assert.Equal(1UL << 40, JournalDecompressor.ZstdContentSize(frame));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decoded = decompressor.Decode(JournalObjectFlags.CompressedZstd, frame, sourceComplete: true, maxBytes: 1 << 16, out var truncated);

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        if (decoded is not null)
        {
            Assert.True(truncated);
            Assert.Equal(1 << 16, decoded.Length);
        }
    }

    [Fact]
    public void A_zstd_frame_header_says_its_content_size()
    {
        Assert.Equal((ulong)Payload.Length, JournalDecompressor.ZstdContentSize(Zstd(Payload)));
        Assert.Equal((ulong)LargePayload.Length, JournalDecompressor.ZstdContentSize(Zstd(LargePayload)));
        Assert.Null(JournalDecompressor.ZstdContentSize("not zstd"u8));
    }

    private static JournalObjectFlags Flag(JournalCodec codec) => codec switch
    {
        JournalCodec.Zstd => JournalObjectFlags.CompressedZstd,
        JournalCodec.Lz4 => JournalObjectFlags.CompressedLz4,
        _ => JournalObjectFlags.CompressedXz,
    };

    private static byte[] Compress(JournalCodec codec, byte[] payload) => codec switch
    {
        JournalCodec.Zstd => Zstd(payload),
        JournalCodec.Lz4 => TestJournals.Lz4(payload),
        _ => TestJournals.XzCompress(payload),
    };

    private static byte[] Zstd(byte[] payload)
    {
        using var compressor = new Compressor();
        return compressor.Wrap(payload).ToArray();
    }
}
