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
/// The rtnetlink messages of a link dump (RTM_GETLINK with NLM_F_DUMP; rtnetlink(7), netlink(7)), built and parsed in
/// host byte order. No I/O: the socket is the caller's.
/// </summary>
internal static class RouteLinks
{
    private const ushort MessageError = 2; // NLMSG_ERROR
    private const ushort MessageDone = 3; // NLMSG_DONE
    private const ushort NewLink = 16; // RTM_NEWLINK
    private const ushort GetLink = 18; // RTM_GETLINK
    private const ushort RequestDump = 0x1 | 0x300; // NLM_F_REQUEST | NLM_F_DUMP
    private const ushort InterfaceName = 3; // IFLA_IFNAME
    private const ushort Stats32 = 7; // IFLA_STATS
    private const ushort Stats64 = 23; // IFLA_STATS64
    private const int HeaderLength = 16; // struct nlmsghdr
    private const int InterfaceInfoLength = 16; // struct ifinfomsg

    /// <summary>A dump request for every link of the socket's network namespace: nlmsghdr, then an empty ifinfomsg.</summary>
    public static byte[] DumpRequest(uint sequence)
    {
        var request = new byte[HeaderLength + InterfaceInfoLength];
        MemoryMarshal.Write(request, (uint)request.Length);
        MemoryMarshal.Write(request.AsSpan(4), GetLink);
        MemoryMarshal.Write(request.AsSpan(6), RequestDump);
        MemoryMarshal.Write(request.AsSpan(8), sequence);
        return request;
    }

    /// <summary>Adds the links of one datagram of the dump's answer; false once the dump is done. An error message,
    /// or a message that runs past the datagram, throws.</summary>
    public static bool Parse(ReadOnlySpan<byte> datagram, List<LinkCounters> links)
    {
        while (datagram.Length >= HeaderLength)
        {
            var length = (int)MemoryMarshal.Read<uint>(datagram);
            var type = MemoryMarshal.Read<ushort>(datagram[4..]);
            if (length < HeaderLength || length > datagram.Length)
            {
                throw new InvalidDataException($"netlink message of {length} bytes in a datagram of {datagram.Length}");
            }

            var payload = datagram[HeaderLength..length];
            switch (type)
            {
                case MessageDone:
                    return false;
                case MessageError when payload.Length >= 4 && MemoryMarshal.Read<int>(payload) is var error and not 0:
                    throw new IOException($"RTM_GETLINK dump failed: errno {-error}");
                case NewLink when payload.Length >= InterfaceInfoLength:
                    links.Add(Link(payload[InterfaceInfoLength..]));
                    break;
            }

            datagram = datagram[Math.Min(Align(length), datagram.Length)..];
        }

        return true;
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

            attributes = attributes[Math.Min(Align(length), attributes.Length)..];
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

    private static int Align(int length) => (length + 3) & ~3;
}
