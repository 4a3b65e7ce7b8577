using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using K4os.Compression.LZ4;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace NodeAgent.Journal;

/// <summary>
/// Decodes a compressed DATA payload into at most a given number of bytes, so a hostile file's tiny object that claims
/// gigabytes cannot take the memory. The three codecs as systemd writes them (src/libsystemd/sd-journal/compress.c):
/// zstd one frame with its content size; lz4 a little-endian 64-bit decompressed size, then one LZ4 block; xz one .xz
/// stream (LZMA2, no integrity check). One instance per reader: the zstd context is reused and not thread-safe.
/// </summary>
internal sealed class JournalDecompressor : IDisposable
{
    private readonly Decompressor _zstd = new();

    /// <summary>
    /// The decoded bytes, cut to <paramref name="maxBytes"/> (then <paramref name="truncated"/>), or null when the
    /// payload is not valid for its codec. <paramref name="sourceComplete"/> false means the caller read only the first
    /// part of a payload too large to read whole: whatever it decodes to is a truncated value.
    /// </summary>
    public byte[]? Decode(JournalObjectFlags codec, ReadOnlyMemory<byte> source, bool sourceComplete, int maxBytes, out bool truncated)
    {
        truncated = false;
        return codec switch
        {
            JournalObjectFlags.CompressedZstd => DecodeZstd(source.Span, sourceComplete, maxBytes, out truncated),
            JournalObjectFlags.CompressedLz4 => DecodeLz4(source.Span, sourceComplete, maxBytes, out truncated),
            JournalObjectFlags.CompressedXz => DecodeXz(source, sourceComplete, maxBytes, out truncated),
            _ => null,
        };
    }

    public void Dispose() => _zstd.Dispose();

    private byte[]? DecodeZstd(ReadOnlySpan<byte> source, bool sourceComplete, int maxBytes, out bool truncated)
    {
        truncated = false;
        // journald's frames always carry their content size (ZSTD_compress), and systemd refuses frames without one.
        if (ZstdContentSize(source) is not { } size || size == 0)
        {
            return null;
        }

        var target = new byte[(int)Math.Min(size, (ulong)maxBytes)];
        _zstd.ResetStream();
        var status = _zstd.UnwrapStream(source, target, out _, out var written);
        switch (status)
        {
            case OperationStatus.Done when (ulong)written == size:
                return target;
            case OperationStatus.DestinationTooSmall when written == target.Length:
                truncated = true;
                return target;
            case OperationStatus.NeedMoreData when !sourceComplete:
                // The input was cut: the blocks it held whole decoded, each up to 128 KiB.
                truncated = true;
                return target.AsSpan(0, written).ToArray();
            default:
                return null;
        }
    }

    /// <summary>
    /// The content size a zstd frame's header declares (RFC 8878 3.1.1.1), null when the header is not a frame's or
    /// declares none. Read from the header alone, so it works on the first part of a frame too.
    /// </summary>
    internal static ulong? ZstdContentSize(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 5 || BinaryPrimitives.ReadUInt32LittleEndian(frame) != 0xFD2FB528)
        {
            return null;
        }

        var descriptor = frame[4];
        var singleSegment = (descriptor & 0x20) != 0;
        var dictionaryBytes = (descriptor & 3) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 };
        var sizeBytes = (descriptor >> 6) switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        var at = 5 + (singleSegment ? 0 : 1) + dictionaryBytes;
        if (sizeBytes == 0 || frame.Length < at + sizeBytes)
        {
            return null;
        }

        var field = frame.Slice(at, sizeBytes);
        return sizeBytes switch
        {
            1 => field[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(field) + 256UL,
            4 => BinaryPrimitives.ReadUInt32LittleEndian(field),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(field),
        };
    }

    private static byte[]? DecodeLz4(ReadOnlySpan<byte> source, bool sourceComplete, int maxBytes, out bool truncated)
    {
        truncated = false;
        if (source.Length <= 8)
        {
            return null;
        }

        var size = BinaryPrimitives.ReadUInt64LittleEndian(source);
        if (size == 0 || size > int.MaxValue)
        {
            // LZ4 blocks count in int: systemd refuses a larger size too.
            return null;
        }

        var block = source[8..];
        if (size <= (ulong)maxBytes && sourceComplete)
        {
            var whole = new byte[(int)size];
            return LZ4Codec.Decode(block, whole) == whole.Length ? whole : null;
        }

        // Only the first maxBytes are wanted, or only the first part of the block is at hand. LZ4 decodes a prefix of
        // the output only when the input holds all of it: with a cut input, ask for less until it does (a block's
        // output is hardly shorter than its input, so the second try nearly always succeeds).
        var wanted = (int)Math.Min(size, (ulong)maxBytes);
        var target = new byte[wanted];
        var length = wanted;
        while (length > 0)
        {
            if (LZ4Codec.PartialDecode(block, target.AsSpan(0, length)) == length)
            {
                truncated = true;
                return length == target.Length ? target : target.AsSpan(0, length).ToArray();
            }

            var bounded = block.Length - block.Length / 64;
            length = sourceComplete ? 0 : length > bounded ? bounded : length / 2;
        }

        return null;
    }

    private static byte[]? DecodeXz(ReadOnlyMemory<byte> source, bool sourceComplete, int maxBytes, out bool truncated)
    {
        truncated = false;
        var array = MemoryMarshal.TryGetArray(source, out var segment) ? segment : new ArraySegment<byte>(source.ToArray());
        // An .xz stream does not say its decoded size up front: decode into a pooled scratch buffer, one byte more than
        // allowed so a longer value shows as truncated, and copy out what came.
        var scratch = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, Math.Max(4096, source.Length * 4)));
        var length = 0;
        try
        {
            using var input = new MemoryStream(array.Array!, array.Offset, array.Count, writable: false);
            using var xz = new XZStream(input);
            while (length <= maxBytes)
            {
                if (length == scratch.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, scratch.Length * 2));
                    scratch.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(scratch);
                    scratch = larger;
                }

                var read = xz.Read(scratch, length, Math.Min(scratch.Length, maxBytes + 1) - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
#pragma warning disable CA1031 // A hostile or half-written payload can make the decoder throw anything: it is invalid data, never a crash.
        catch (Exception) when (length > 0 && !sourceComplete)
        {
            // The input was cut by the reader: what decoded so far is the start of the value.
            truncated = true;
        }
        catch (Exception)
        {
            ArrayPool<byte>.Shared.Return(scratch);
            return null;
        }
#pragma warning restore CA1031

        if (length > maxBytes)
        {
            truncated = true;
            length = maxBytes;
        }
        else if (!sourceComplete)
        {
            truncated = true;
        }

        var result = length == 0 ? null : scratch.AsSpan(0, length).ToArray();
        ArrayPool<byte>.Shared.Return(scratch);
        return result;
    }
}
