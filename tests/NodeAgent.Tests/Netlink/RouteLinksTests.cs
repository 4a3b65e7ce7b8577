using System.Runtime.InteropServices;
using System.Text;
using NodeAgent.Netlink;

namespace NodeAgent.Tests.Netlink;

public sealed class RouteLinksTests
{
    // One netlink message: nlmsghdr (length, type, flags, sequence, port id), then the payload, padded to 4 bytes.
    private static byte[] Message(ushort type, byte[] payload)
    {
        var message = new byte[(16 + payload.Length + 3) & ~3];
        MemoryMarshal.Write(message, 16 + payload.Length);
        MemoryMarshal.Write(message.AsSpan(4), type);
        MemoryMarshal.Write(message.AsSpan(6), (ushort)2); // NLM_F_MULTI
        MemoryMarshal.Write(message.AsSpan(8), 1u);
        payload.CopyTo(message, 16);
        return message;
    }

    private static byte[] Attribute(ushort type, byte[] value)
    {
        var attribute = new byte[(4 + value.Length + 3) & ~3];
        MemoryMarshal.Write(attribute, (ushort)(4 + value.Length));
        MemoryMarshal.Write(attribute.AsSpan(2), type);
        value.CopyTo(attribute, 4);
        return attribute;
    }

    // RTM_NEWLINK: ifinfomsg (16 bytes), then IFLA_IFNAME and the statistics attribute given.
    private static byte[] Link(string name, params byte[][] attributes) =>
        Message(16, [.. new byte[16], .. Attribute(3, Encoding.ASCII.GetBytes(name + "\0")), .. attributes.SelectMany(a => a)]);

    private static byte[] Stats64(int fields) => [.. Enumerable.Range(1, fields).SelectMany(i => BitConverter.GetBytes((ulong)i * 1000))];

    // The messages of one datagram, as the socket hands them over.
    private static List<NetlinkMessage> Replies(byte[] datagram)
    {
        var messages = new List<NetlinkMessage>();
        Assert.True(NetlinkFormat.TryReadMessages(datagram, messages));
        return messages;
    }

    [Fact]
    public void The_dump_asks_for_every_link_with_an_empty_interface_header()
    {
        Assert.Equal(18, RouteLinks.GetLink); // RTM_GETLINK
        Assert.Equal(new byte[16], RouteLinks.DumpBody()); // struct ifinfomsg, all zero: every family, every index
    }

    [Fact]
    public void Links_carry_their_name_and_64_bit_counters()
    {
        var links = RouteLinks.Links(Replies([.. Link("lo", Attribute(23, Stats64(25))), .. Link("eth0", Attribute(23, Stats64(24)))]));

        Assert.Equal(["lo", "eth0"], links.Select(l => l.Name));
        Assert.All(links, l => Assert.Equal(Enumerable.Range(1, LinkCounters.Count).Select(i => (ulong)i * 1000), l.Counters!));
    }

    [Fact]
    public void Older_kernels_32_bit_counters_are_used_when_there_are_no_64_bit_ones_and_missing_fields_read_zero()
    {
        var stats32 = Attribute(7, [.. Enumerable.Range(1, 23).SelectMany(i => BitConverter.GetBytes((uint)i))]);

        var links = RouteLinks.Links(Replies([.. Link("eth1", stats32), .. Link("dummy0")]));

        Assert.Equal(23ul, links[0].Counters![22]);
        Assert.Equal(0ul, links[0].Counters![23]);
        Assert.Null(links[1].Counters);
    }

    [Fact]
    public void Messages_that_are_not_links_are_passed_over_and_an_attribute_past_its_message_fails()
    {
        Assert.Empty(RouteLinks.Links(Replies(Message(20, new byte[24])))); // RTM_NEWADDR

        var cut = Link("eth0", Attribute(23, Stats64(24)));
        MemoryMarshal.Write(cut.AsSpan(32), (ushort)400); // IFLA_IFNAME claims 400 bytes
        Assert.Throws<InvalidDataException>(() => RouteLinks.Links(Replies(cut)));
    }

    [Fact]
    public void The_kernel_of_this_machine_lists_its_loopback_with_counters()
    {
        var links = NodeAgent.Metrics.NetlinkRoute.DumpLinks();

        var loopback = Assert.Single(links, l => l.Name == "lo");
        Assert.NotNull(loopback.Counters);
    }
}
