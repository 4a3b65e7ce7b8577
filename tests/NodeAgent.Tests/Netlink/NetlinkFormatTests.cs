using NodeAgent.Netlink;
using static NodeAgent.Tests.Netlink.NetlinkBytes;

namespace NodeAgent.Tests.Netlink;

public sealed class NetlinkFormatTests
{
    [Fact]
    public void Messages_of_a_datagram_are_read_with_their_padding()
    {
        var datagram = Concat(
            NetlinkFormat.Message(36, NetlinkFormat.Multi, 7, [1, 2, 3, 4, 5]),
            [0, 0, 0], // padding to 4 bytes
            NetlinkFormat.Message(NetlinkFormat.Done, NetlinkFormat.Multi, 7, U32(0)));
        var messages = new List<NetlinkMessage>();

        Assert.True(NetlinkFormat.TryReadMessages(datagram, messages));

        Assert.Equal([(ushort)36, NetlinkFormat.Done], messages.Select(m => m.Type));
        Assert.Equal([1, 2, 3, 4, 5], messages[0].Payload.ToArray());
        Assert.Equal(7u, messages[1].Sequence);
    }

    [Fact]
    public void A_message_longer_than_its_datagram_is_malformed()
    {
        var message = NetlinkFormat.Message(36, 0, 1, new byte[8]);
        Assert.False(NetlinkFormat.TryReadMessages(message.AsMemory(0, 20), []));
    }

    [Fact]
    public void Attributes_are_read_without_the_nested_flag_and_with_their_values()
    {
        var data = Concat(Attribute(1, Text("fq")), Nested(7, Attribute(1, U64(42))), Attribute(3, U32(9)));

        Assert.True(NetlinkFormat.TryReadAttributes(data, out var attributes));

        Assert.Equal([(ushort)1, (ushort)7, (ushort)3], attributes.Select(a => a.Type));
        Assert.Equal("fq", attributes[0].Text);
        Assert.Equal(9u, attributes[2].UInt32);
        Assert.True(NetlinkFormat.TryReadAttributes(attributes[1].Data, out var nested));
        Assert.Equal(42ul, Assert.Single(nested).UInt64);
        Assert.False(NetlinkFormat.TryReadAttributes(data.AsMemory(0, data.Length - 2), out _));
    }

    [Fact]
    public void An_error_message_carries_a_negative_errno()
    {
        Assert.Equal(-2, NetlinkFormat.ErrorCode(U32(unchecked((uint)-2))));
        Assert.Equal(0, NetlinkFormat.ErrorCode(U32(0)));
    }
}
