using System.Text;
using NodeAgent.Journal;

namespace NodeAgent.Tests.Tailing.Journald;

/// <summary>Journal entries made in memory, as the reader returns them, for tests of what is done with them.</summary>
internal static class JournalEntries
{
    public static readonly JournalId SeqnumId = new(0x0123456789abcdef, 0xfedcba9876543210);

    /// <summary>2026-11-28T10:15:00.123456Z in microseconds.</summary>
    public const ulong Realtime = 1_795_860_900_123_456;

    public static JournalEntry Entry(ulong seqnum, params (string Name, string Value)[] fields) =>
        Binary(seqnum, [.. fields.Select(f => (f.Name, Encoding.UTF8.GetBytes(f.Value)))]);

    public static JournalEntry Binary(ulong seqnum, params (string Name, byte[] Value)[] fields) => new()
    {
        SeqnumId = SeqnumId,
        Seqnum = seqnum,
        RealtimeMicroseconds = Realtime + seqnum,
        MonotonicMicroseconds = 5_000_000,
        BootId = new JournalId(1, 2),
        XorHash = 0,
        Offset = 4096 + (long)seqnum * 64,
        Fields = [.. fields.Select(f => new JournalField(f.Name, f.Value))],
    };
}
