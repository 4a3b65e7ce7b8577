using System.Buffers.Binary;
using System.Globalization;

namespace NodeAgent.Journal;

/// <summary>
/// A 128-bit journal id (sd_id128: file_id, machine_id, seqnum_id, boot_id), kept as its 16 bytes in file order and
/// printed as journalctl does: 32 lowercase hex digits.
/// </summary>
internal readonly record struct JournalId(ulong High, ulong Low)
{
    public static JournalId Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));

    public bool IsEmpty => High == 0 && Low == 0;

    public override string ToString() => High.ToString("x16", CultureInfo.InvariantCulture) + Low.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>32 hex digits, as <see cref="ToString"/> prints them (either case).</summary>
    public static bool TryParse(string? text, out JournalId id)
    {
        id = default;
        if (text is not { Length: 32 }
            || !ulong.TryParse(text.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !ulong.TryParse(text.AsSpan(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            return false;
        }

        id = new JournalId(high, low);
        return true;
    }
}
