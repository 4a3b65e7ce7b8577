using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace NodeAgent.Delivery;

/// <summary>
/// A document's Elasticsearch <c>_id</c> (DELIVERY.md rule 3): a pure function of where its line is, so a re-read after
/// a retry, a crash or a restart names the line the same and the bulk <c>create</c> answers 409 instead of storing a
/// copy. Inputs: the node name, the file identity as first recorded (device, inode and fingerprint: never the path,
/// so a rotated file's lines keep their ids) and the offset of the line's first byte (two identical lines at different
/// offsets get different ids; hashing the content would merge them). Not the content, the timestamp or the time read.
/// <para>
/// Two steps, both standardized so that ids never change with a .NET or library version. Once per file, the key:
/// the first 16 bytes of SHA-256 over a canonical encoding of the file's place, a version byte 1, the node name's
/// UTF-8 length (2 bytes) and bytes, then device, inode and fingerprint (8 bytes each) and the fingerprint length (4),
/// little endian. Per line: SipHash-2-4 with 128-bit output (Aumasson and Bernstein's reference, <c>vectors_sip128</c>)
/// keyed by it, over the offset (8 bytes, little endian). The id is those 16 bytes in base64url without padding: 22
/// characters, URL-safe, well under Elasticsearch's 512-byte limit. Why not SHA-256 per line: through OpenSSL it costs
/// 0.3-0.9 µs per call, a large share of the 2 µs a line may take in all (issue 4's 500,000 lines per CPU-second);
/// SipHash over 8 bytes costs about 30 ns. Collisions stay out of reach: a SHA-256 key per file, and within a file
/// SipHash is a pseudo-random function of the offset (128 bits: about 10^-9 for 10^15 documents), while a writer of
/// log lines controls neither another file's key nor a key at will (it would have to invert SHA-256).
/// </para>
/// <para>A systemd journal entry is named the same way, by its seqnum under a key of its journal (<see cref="JournalKey"/>).</para>
/// </summary>
internal static class DocumentId
{
    /// <summary>Characters in an id.</summary>
    public const int Length = 22;

    // The version byte of a file's key encoding, and of a journal's (never equal: see JournalKey).
    private const byte FileVersion = 1;
    private const byte JournalVersion = 2;
    // What follows the node name: device, inode and fingerprint (8 bytes each) and the fingerprint length (4); or the
    // journal's seqnum id.
    private const int FilePlaceBytes = 8 + 8 + 8 + 4;
    private const int JournalPlaceBytes = 16;
    private const int MaxNodeNameBytes = ushort.MaxValue;

    /// <summary>The key of one file's documents: SHA-256 of the canonical encoding, computed once per file.</summary>
    public static DocumentIdKey Key(string nodeName, ulong device, ulong inode, ulong fingerprint, int fingerprintLength)
    {
        Span<byte> place = stackalloc byte[FilePlaceBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(place, device);
        BinaryPrimitives.WriteUInt64LittleEndian(place[8..], inode);
        BinaryPrimitives.WriteUInt64LittleEndian(place[16..], fingerprint);
        BinaryPrimitives.WriteInt32LittleEndian(place[24..], fingerprintLength);
        return Derive(FileVersion, nodeName, place);
    }

    /// <summary>
    /// The key of one journal's documents (DELIVERY.md, "The systemd journal"): the entries of every file one journald
    /// wrote share a seqnum id, and a seqnum names one entry under it, so an entry's id is a pure function of (node
    /// name, seqnum id, seqnum) whichever file it is read from, and under whatever name. The canonical encoding is the
    /// file one's with version byte 2 (so a journal key can never equal a file key, whatever the bytes that follow),
    /// the node name's UTF-8 length (2 bytes, little endian) and bytes, then the seqnum id's 16 bytes as the journal
    /// file holds them (the order journalctl prints them in). Each entry is then named by its seqnum, as a line by its
    /// offset (<see cref="DocumentIdKey.Write"/>).
    /// </summary>
    public static DocumentIdKey JournalKey(string nodeName, ReadOnlySpan<byte> seqnumId)
    {
        if (seqnumId.Length != JournalPlaceBytes)
        {
            throw new ArgumentException($"a seqnum id is {JournalPlaceBytes} bytes, not {seqnumId.Length}", nameof(seqnumId));
        }

        return Derive(JournalVersion, nodeName, seqnumId);
    }

    /// <summary>SHA-256 of: the version byte, the node name's UTF-8 length (2 bytes, little endian) and bytes, then
    /// <paramref name="place"/>; its first 16 bytes as two little-endian words.</summary>
    private static DocumentIdKey Derive(byte version, string nodeName, ReadOnlySpan<byte> place)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        var maxNameBytes = Encoding.UTF8.GetMaxByteCount(nodeName.Length);
        var fixedBytes = 1 + 2 + place.Length;
        byte[]? rented = null;
        // Kubernetes node names are DNS subdomains (at most 253 characters): the stack always suffices in practice.
        var input = maxNameBytes + fixedBytes <= 1024
            ? stackalloc byte[maxNameBytes + fixedBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(maxNameBytes + fixedBytes));
        try
        {
            var nameBytes = Encoding.UTF8.GetBytes(nodeName, input[3..]);
            if (nameBytes > MaxNodeNameBytes)
            {
                throw new ArgumentException($"a node name of {nameBytes} UTF-8 bytes is too long", nameof(nodeName));
            }

            input[0] = version;
            BinaryPrimitives.WriteUInt16LittleEndian(input[1..], (ushort)nameBytes);
            place.CopyTo(input[(3 + nameBytes)..]);

            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(input[..(nameBytes + fixedBytes)], digest);
            return new DocumentIdKey(BinaryPrimitives.ReadUInt64LittleEndian(digest), BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>SipHash-2-4 with 128-bit output, as the reference implementation computes it: the key is k0, k1 (its
    /// 16 bytes read as two little-endian words), the output two little-endian words.</summary>
    internal static void SipHash128(ulong k0, ulong k1, ReadOnlySpan<byte> message, Span<byte> output)
    {
        var v0 = 0x736f6d6570736575UL ^ k0;
        var v1 = 0x646f72616e646f6dUL ^ k1 ^ 0xee;
        var v2 = 0x6c7967656e657261UL ^ k0;
        var v3 = 0x7465646279746573UL ^ k1;
        var whole = message.Length & ~7;
        for (var i = 0; i < whole; i += 8)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(message[i..]);
            v3 ^= word;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= word;
        }

        // The last block: the remaining bytes, and the message length's low byte in the top byte.
        var last = (ulong)message.Length << 56;
        for (var j = 0; whole + j < message.Length; j++)
        {
            last |= (ulong)message[whole + j] << (8 * j);
        }

        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;

        v2 ^= 0xee;
        for (var r = 0; r < 4; r++)
        {
            Round(ref v0, ref v1, ref v2, ref v3);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(output, v0 ^ v1 ^ v2 ^ v3);
        v1 ^= 0xdd;
        for (var r = 0; r < 4; r++)
        {
            Round(ref v0, ref v1, ref v2, ref v3);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(output[8..], v0 ^ v1 ^ v2 ^ v3);
    }

    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = BitOperations.RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3;
        v3 = BitOperations.RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = BitOperations.RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = BitOperations.RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = BitOperations.RotateLeft(v2, 32);
    }
}

/// <summary>The key of one file's document ids (<see cref="DocumentId.Key"/>): derive it once per file identity,
/// then name each line by its offset without allocating.</summary>
internal readonly record struct DocumentIdKey(ulong K0, ulong K1)
{
    /// <summary>Writes the id of the line at <paramref name="offset"/>, <see cref="DocumentId.Length"/> ASCII
    /// characters, into <paramref name="utf8"/>: the NDJSON writer puts them straight into the bulk body.</summary>
    public void Write(long offset, Span<byte> utf8)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(utf8.Length, DocumentId.Length, nameof(utf8));
        Span<byte> id = stackalloc byte[16];
        Hash(offset, id);
        var status = Base64Url.EncodeToUtf8(id, utf8, out _, out var written);
        if (status != OperationStatus.Done || written != DocumentId.Length)
        {
            throw new InvalidOperationException($"base64url encoding of a document id returned {status}");
        }
    }

    /// <summary>The id of the line at <paramref name="offset"/> as a string.</summary>
    public string Compute(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Span<byte> id = stackalloc byte[16];
        Hash(offset, id);
        return Base64Url.EncodeToString(id);
    }

    private void Hash(long offset, Span<byte> id)
    {
        Span<byte> message = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(message, offset);
        DocumentId.SipHash128(K0, K1, message, id);
    }
}
