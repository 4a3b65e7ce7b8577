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

    [Fact]
    public void The_dump_request_asks_for_every_link()
    {
        var request = RouteLinks.DumpRequest(7);

        Assert.Equal(32, request.Length);
        Assert.Equal(32u, MemoryMarshal.Read<uint>(request));
        Assert.Equal((ushort)18, MemoryMarshal.Read<ushort>(request.AsSpan(4))); // RTM_GETLINK
        Assert.Equal((ushort)0x301, MemoryMarshal.Read<ushort>(request.AsSpan(6))); // NLM_F_REQUEST | NLM_F_DUMP
        Assert.Equal(7u, MemoryMarshal.Read<uint>(request.AsSpan(8)));
    }

    [Fact]
    public void Links_carry_their_name_and_64_bit_counters_until_the_done_message()
    {
        byte[] first = [.. Link("lo", Attribute(23, Stats64(25))), .. Link("eth0", Attribute(23, Stats64(24)))];
        var links = new List<LinkCounters>();

        Assert.True(RouteLinks.Parse(first, links));
        Assert.False(RouteLinks.Parse(Message(3, new byte[4]), links));

        Assert.Equal(["lo", "eth0"], links.Select(l => l.Name));
        Assert.All(links, l => Assert.Equal(Enumerable.Range(1, LinkCounters.Count).Select(i => (ulong)i * 1000), l.Counters!));
    }

    [Fact]
    public void Older_kernels_32_bit_counters_are_used_when_there_are_no_64_bit_ones_and_missing_fields_read_zero()
    {
        var stats32 = Attribute(7, [.. Enumerable.Range(1, 23).SelectMany(i => BitConverter.GetBytes((uint)i))]);
        var links = new List<LinkCounters>();

        RouteLinks.Parse([.. Link("eth1", stats32), .. Link("dummy0")], links);

        Assert.Equal(23ul, links[0].Counters![22]);
        Assert.Equal(0ul, links[0].Counters![23]);
        Assert.Null(links[1].Counters);
    }

    [Fact]
    public void An_error_message_or_a_truncated_message_fails()
    {
        Assert.Throws<IOException>(() => RouteLinks.Parse(Message(2, BitConverter.GetBytes(-22)), []));
        Assert.Throws<InvalidDataException>(() => RouteLinks.Parse(Link("eth0", Attribute(23, Stats64(24))).AsSpan(0, 40), []));
    }
}
