using System.Buffers.Binary;
using System.Numerics;

namespace NodeAgent.Journal;

/// <summary>
/// Bob Jenkins' lookup3 <c>hashlittle2</c> (public domain), as the journal uses it: both 32-bit results joined into
/// one 64-bit value, the first (primary) one as the high half (JOURNAL_FILE_FORMAT.md "Basics"). Every ENTRY's
/// xor_hash is the XOR of this hash of each of its DATA payloads, in keyed-hash files too, so it checks that an entry
/// was read whole.
/// </summary>
internal static class JenkinsHash
{
    public static ulong Hash64(ReadOnlySpan<byte> data)
    {
        uint a, b, c;
        a = b = c = 0xdeadbeef + (uint)data.Length;
        var rest = data;
        while (rest.Length > 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(rest);
            b += BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]);
            Mix(ref a, ref b, ref c);
            rest = rest[12..];
        }

        if (rest.Length == 0)
        {
            // Zero bytes left (only for empty input): lookup3 returns without the final mix.
            return ((ulong)c << 32) | b;
        }

        // The last 1..12 bytes, zero-padded, as little-endian words.
        Span<byte> tail = stackalloc byte[12];
        tail.Clear();
        rest.CopyTo(tail);
        a += BinaryPrimitives.ReadUInt32LittleEndian(tail);
        b += BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
        c += BinaryPrimitives.ReadUInt32LittleEndian(tail[8..]);
        Final(ref a, ref b, ref c);
        return ((ulong)c << 32) | b;
    }

    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c; a ^= BitOperations.RotateLeft(c, 4); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 6); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 8); b += a;
        a -= c; a ^= BitOperations.RotateLeft(c, 16); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 19); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 4); b += a;
    }

    private static void Final(ref uint a, ref uint b, ref uint c)
    {
        c ^= b; c -= BitOperations.RotateLeft(b, 14);
        a ^= c; a -= BitOperations.RotateLeft(c, 11);
        b ^= a; b -= BitOperations.RotateLeft(a, 25);
        c ^= b; c -= BitOperations.RotateLeft(b, 16);
        a ^= c; a -= BitOperations.RotateLeft(c, 4);
        b ^= a; b -= BitOperations.RotateLeft(a, 14);
        c ^= b; c -= BitOperations.RotateLeft(b, 24);
    }
}
