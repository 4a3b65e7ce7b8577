using System.Runtime.InteropServices;
using System.Text;

namespace NodeAgent.Netlink;

/// <summary>A network interface as an rtnetlink link dump gives it: its name and its <c>rtnl_link_stats64</c>
/// counters in the kernel's field order (include/uapi/linux/if_link.h: rx_packets, tx_packets, rx_bytes, tx_bytes,
/// rx_errors, tx_errors, rx_dropped, tx_dropped, multicast, collisions, the six detailed rx errors, the five detailed
/// tx errors, rx_compressed, tx_compressed, rx_nohandler), or null when the link carries no statistics.</summary>
internal sealed record LinkCounters(string Name, ulong[]? Counters)
{
    /// <summary>How many counters <see cref="Counters"/> holds: those up to rx_nohandler (Linux 4.6); an older kernel's
    /// missing ones read as 0, as in node_exporter.</summary>
    public const int Count = 24;
}

/// <summary>
/// The rtnetlink messages of a link dump (RTM_GETLINK with NLM_F_DUMP; rtnetlink(7), netlink(7)), in host byte order.
/// No I/O: the socket is the caller's.
/// </summary>
internal static class RouteLinks
{
    public const ushort GetLink = 18; // RTM_GETLINK
    private const ushort NewLink = 16; // RTM_NEWLINK
    private const ushort InterfaceName = 3; // IFLA_IFNAME
    private const ushort Stats32 = 7; // IFLA_STATS
    private const ushort Stats64 = 23; // IFLA_STATS64
    private const int InterfaceInfoLength = 16; // struct ifinfomsg

    /// <summary>The body of a dump request for every link of the socket's network namespace: an empty ifinfomsg.</summary>
    public static byte[] DumpBody() => new byte[InterfaceInfoLength];

    /// <summary>The links of a dump's replies (RTM_NEWLINK messages; others are passed over). An attribute that runs
    /// past its message throws.</summary>
    public static List<LinkCounters> Links(IEnumerable<NetlinkMessage> replies)
    {
        var links = new List<LinkCounters>();
        foreach (var reply in replies)
        {
            if (reply.Type == NewLink && reply.Payload.Length >= InterfaceInfoLength)
            {
                links.Add(Link(reply.Payload.Span[InterfaceInfoLength..]));
            }
        }

        return links;
    }

    private static LinkCounters Link(ReadOnlySpan<byte> attributes)
    {
        var name = "";
        ulong[]? stats64 = null, stats32 = null;
        while (attributes.Length >= 4)
        {
            var length = MemoryMarshal.Read<ushort>(attributes);
            var type = (ushort)(MemoryMarshal.Read<ushort>(attributes[2..]) & 0x3fff); // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
            if (length < 4 || length > attributes.Length)
            {
                throw new InvalidDataException($"netlink attribute of {length} bytes in {attributes.Length}");
            }

            var value = attributes[4..length];
            switch (type)
            {
                case InterfaceName:
                    var end = value.IndexOf((byte)0);
                    name = Encoding.UTF8.GetString(end < 0 ? value : value[..end]);
                    break;
                case Stats64:
                    stats64 = Counters(MemoryMarshal.Cast<byte, ulong>(value[..(value.Length / 8 * 8)]));
                    break;
                case Stats32:
                    var narrow = MemoryMarshal.Cast<byte, uint>(value[..(value.Length / 4 * 4)]);
                    stats32 = new ulong[LinkCounters.Count];
                    for (var i = 0; i < Math.Min(narrow.Length, LinkCounters.Count); i++)
                    {
                        stats32[i] = narrow[i];
                    }

                    break;
            }

            attributes = attributes[Math.Min(NetlinkFormat.Align(length), attributes.Length)..];
        }

        // The 32-bit statistics only when a kernel gives no 64-bit ones, as node_exporter does.
        return new LinkCounters(name, stats64 ?? stats32);
    }

    private static ulong[] Counters(ReadOnlySpan<ulong> values)
    {
        var counters = new ulong[LinkCounters.Count];
        values[..Math.Min(values.Length, LinkCounters.Count)].CopyTo(counters);
        return counters;
    }
}
