using System.Runtime.InteropServices;

namespace NodeAgent.Netlink;

/// <summary>
/// A queueing discipline's statistics as node_exporter's qdisc collector reads them (github.com/ema/qdisc's
/// QdiscInfo): the interface, the parent handle (0 for a root qdisc), the kind, and the counters of its statistics
/// attributes.
/// </summary>
internal sealed record QdiscStats(string Interface, int InterfaceIndex, uint Parent, uint Handle, string Kind)
{
    public ulong Bytes { get; set; }

    public ulong Packets { get; set; }

    public ulong Drops { get; set; }

    public ulong Requeues { get; set; }

    public ulong Overlimits { get; set; }

    public ulong QueueLength { get; set; }

    public ulong Backlog { get; set; }
}

/// <summary>
/// RTM_NEWQDISC messages (rtnetlink(7), include/uapi/linux/rtnetlink.h, pkt_sched.h, gen_stats.h): a struct tcmsg
/// (family, padding, ifindex, handle, parent, info; 20 bytes) and attributes. TCA_KIND is the kind; TCA_STATS2 nests
/// gnet_stats_basic (bytes u64, packets u32) and gnet_stats_queue (qlen, backlog, drops, requeues, overlimits, u32
/// each); the legacy TCA_STATS (struct tc_stats: bytes u64, packets, drops, overlimits, bps, pps, qlen, backlog u32)
/// overrides what it carries when it comes later, as the kernel sends it, and as ema/qdisc reads both. A parent of
/// TC_H_ROOT (0xFFFFFFFF) is a root qdisc, reported as parent 0 as there.
/// </summary>
internal static class QdiscMessage
{
    public const ushort GetQdisc = 38; // RTM_GETQDISC
    public const ushort NewQdisc = 36; // RTM_NEWQDISC
    private const int TcmsgLength = 20;
    private const ushort Kind = 1, Stats = 3, Stats2 = 7; // TCA_KIND, TCA_STATS, TCA_STATS2
    private const ushort StatsBasic = 1, StatsQueue = 3; // TCA_STATS_BASIC, TCA_STATS_QUEUE

    /// <summary>The body of a dump request: an all-zero struct tcmsg (every family, every interface).</summary>
    public static byte[] DumpRequestBody() => new byte[TcmsgLength];

    /// <summary>One qdisc; false when the message is shorter than a tcmsg or its attributes are malformed.
    /// <paramref name="interfaceName"/> names an interface index ("" when unknown).</summary>
    public static bool TryParse(ReadOnlyMemory<byte> payload, Func<int, string> interfaceName, out QdiscStats? qdisc)
    {
        qdisc = null;
        if (payload.Length < TcmsgLength || !NetlinkFormat.TryReadAttributes(payload[TcmsgLength..], out var attributes))
        {
            return false;
        }

        var span = payload.Span;
        var index = MemoryMarshal.Read<int>(span[4..]);
        var handle = MemoryMarshal.Read<uint>(span[8..]);
        var parent = MemoryMarshal.Read<uint>(span[12..]);
        var stats = new QdiscStats(interfaceName(index), index, parent == uint.MaxValue ? 0 : parent, handle,
            attributes.FirstOrDefault(a => a.Type == Kind) is { Data.Length: > 0 } kind ? kind.Text : "");
        foreach (var attribute in attributes)
        {
            if (attribute.Type == Stats2)
            {
                if (!NetlinkFormat.TryReadAttributes(attribute.Data, out var nested))
                {
                    return false;
                }

                foreach (var inner in nested)
                {
                    var data = inner.Data.Span;
                    if (inner.Type == StatsBasic && data.Length >= 12)
                    {
                        stats.Bytes = MemoryMarshal.Read<ulong>(data);
                        stats.Packets = MemoryMarshal.Read<uint>(data[8..]);
                    }
                    else if (inner.Type == StatsQueue && data.Length >= 20)
                    {
                        stats.QueueLength = MemoryMarshal.Read<uint>(data);
                        stats.Backlog = MemoryMarshal.Read<uint>(data[4..]);
                        stats.Drops = MemoryMarshal.Read<uint>(data[8..]);
                        stats.Requeues = MemoryMarshal.Read<uint>(data[12..]);
                        stats.Overlimits = MemoryMarshal.Read<uint>(data[16..]);
                    }
                }
            }
            else if (attribute.Type == Stats && attribute.Data.Length >= 36)
            {
                var data = attribute.Data.Span;
                stats.Bytes = MemoryMarshal.Read<ulong>(data);
                stats.Packets = MemoryMarshal.Read<uint>(data[8..]);
                stats.Drops = MemoryMarshal.Read<uint>(data[12..]);
                stats.Overlimits = MemoryMarshal.Read<uint>(data[16..]);
                stats.QueueLength = MemoryMarshal.Read<uint>(data[28..]);
                stats.Backlog = MemoryMarshal.Read<uint>(data[32..]);
            }
        }

        qdisc = stats;
        return true;
    }
}
