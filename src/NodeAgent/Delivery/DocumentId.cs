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
/// </summary>
internal static class DocumentId
{
    /// <summary>Characters in an id.</summary>
    public const int Length = 22;

    private const byte Version = 1;
    private const int KeyFixedBytes = 1 + 2 + 8 + 8 + 8 + 4;
    private const int MaxNodeNameBytes = ushort.MaxValue;

    /// <summary>The key of one file's documents: SHA-256 of the canonical encoding, computed once per file.</summary>
    public static DocumentIdKey Key(string nodeName, ulong device, ulong inode, ulong fingerprint, int fingerprintLength)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        var maxNameBytes = Encoding.UTF8.GetMaxByteCount(nodeName.Length);
        byte[]? rented = null;
        // Kubernetes node names are DNS subdomains (at most 253 characters): the stack always suffices in practice.
        var input = maxNameBytes + KeyFixedBytes <= 1024
            ? stackalloc byte[maxNameBytes + KeyFixedBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(maxNameBytes + KeyFixedBytes));
        try
        {
            var nameBytes = Encoding.UTF8.GetBytes(nodeName, input[3..]);
            if (nameBytes > MaxNodeNameBytes)
            {
                throw new ArgumentException($"a node name of {nameBytes} UTF-8 bytes is too long", nameof(nodeName));
            }

            input[0] = Version;
            BinaryPrimitives.WriteUInt16LittleEndian(input[1..], (ushort)nameBytes);
            var rest = input[(3 + nameBytes)..];
            BinaryPrimitives.WriteUInt64LittleEndian(rest, device);
            BinaryPrimitives.WriteUInt64LittleEndian(rest[8..], inode);
            BinaryPrimitives.WriteUInt64LittleEndian(rest[16..], fingerprint);
            BinaryPrimitives.WriteInt32LittleEndian(rest[24..], fingerprintLength);

            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(input[..(nameBytes + KeyFixedBytes)], digest);
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
