using System.Globalization;

namespace NodeAgent.Journal;

/// <summary>
/// One field of an entry: its name and value bytes (any bytes: journal values may be binary). <see cref="Truncated"/>
/// when the value was longer than the reader's cap and holds only its first bytes. The value's array is never written
/// to again: it may be shared with other entries that refer to the same DATA object.
/// </summary>
internal readonly record struct JournalField(string Name, ReadOnlyMemory<byte> Value, bool Truncated = false);

/// <summary>A place in a journal, as a cursor names it: the seqnum id of the journald that wrote the entry and the
/// entry's seqnum under it.</summary>
internal readonly record struct JournalPosition(JournalId SeqnumId, ulong Seqnum)
{
    public override string ToString() => $"{SeqnumId}:{Seqnum}";
}

/// <summary>
/// One journal entry as the file holds it: seqnum, timestamps, boot, and its fields in the entry's item order (a field
/// name may occur several times, once per value).
/// </summary>
internal sealed class JournalEntry
{
    public required JournalId SeqnumId { get; init; }

    public required ulong Seqnum { get; init; }

    /// <summary>CLOCK_REALTIME in microseconds since the Unix epoch, when journald received the entry.</summary>
    public required ulong RealtimeMicroseconds { get; init; }

    /// <summary>CLOCK_MONOTONIC in microseconds, of the boot <see cref="BootId"/>.</summary>
    public required ulong MonotonicMicroseconds { get; init; }

    public required JournalId BootId { get; init; }

    public required ulong XorHash { get; init; }

    /// <summary>Where the ENTRY object lies in its file.</summary>
    public required long Offset { get; init; }

    public required IReadOnlyList<JournalField> Fields { get; init; }

    public JournalPosition Position => new(SeqnumId, Seqnum);

    public DateTimeOffset Timestamp => DateTimeOffset.UnixEpoch.AddTicks((long)Math.Min(RealtimeMicroseconds, (ulong)(DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks / 10) * 10);

    /// <summary>journalctl's cursor of this entry (<c>s=…;i=…;b=…;m=…;t=…;x=…</c>), which <c>journalctl --cursor</c> accepts.</summary>
    public string Cursor => string.Create(CultureInfo.InvariantCulture, $"s={SeqnumId};i={Seqnum:x};b={BootId};m={MonotonicMicroseconds:x};t={RealtimeMicroseconds:x};x={XorHash:x}");

    /// <summary>The first value of <paramref name="name"/>, if the entry has the field.</summary>
    public bool TryGetValue(string name, out ReadOnlyMemory<byte> value)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Name, name, StringComparison.Ordinal))
            {
                value = field.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
