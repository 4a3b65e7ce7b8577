using NodeAgent.Netlink;
using static NodeAgent.Tests.Netlink.NetlinkBytes;

namespace NodeAgent.Tests.Netlink;

public sealed class QdiscMessageTests
{
    // struct tcmsg: family, pad, pad (u16), ifindex (s32), handle, parent, info.
    private static byte[] Tcmsg(int ifindex, uint handle, uint parent) => Concat([0, 0, 0, 0], U32((uint)ifindex), U32(handle), U32(parent), U32(1));

    private static string Name(int index) => index == 4 ? "eth0" : "";

    [Fact]
    public void A_root_qdisc_takes_its_kind_and_the_counters_of_its_statistics()
    {
        var payload = Concat(
            Tcmsg(4, 0x10000, uint.MaxValue),
            Attribute(1, Text("fq_codel")),
            Nested(7,
                Attribute(1, U64(5_000_000_000), U32(4_000_000), U32(0)), // gnet_stats_basic (with its padding)
                Attribute(3, U32(1), U32(1500), U32(7), U32(2), U32(3)))); // gnet_stats_queue

        Assert.True(QdiscMessage.TryParse(payload, Name, out var qdisc));

        Assert.Equal(("eth0", 4, 0u, 0x10000u, "fq_codel"), (qdisc!.Interface, qdisc.InterfaceIndex, qdisc.Parent, qdisc.Handle, qdisc.Kind));
        Assert.Equal((5_000_000_000ul, 4_000_000ul, 7ul, 2ul, 3ul, 1ul, 1500ul),
            (qdisc.Bytes, qdisc.Packets, qdisc.Drops, qdisc.Requeues, qdisc.Overlimits, qdisc.QueueLength, qdisc.Backlog));
    }

    [Fact]
    public void The_legacy_statistics_that_follow_override_what_they_carry_but_not_the_requeues()
    {
        var payload = Concat(
            Tcmsg(9, 0, 0x10001),
            Attribute(1, Text("pfifo")),
            Nested(7, Attribute(1, U64(100), U32(10)), Attribute(3, U32(0), U32(0), U32(1), U32(5), U32(0))),
            // struct tc_stats: bytes, packets, drops, overlimits, bps, pps, qlen, backlog.
            Attribute(3, U64(200), U32(20), U32(2), U32(4), U32(0), U32(0), U32(6), U32(60), U32(0)));

        Assert.True(QdiscMessage.TryParse(payload, Name, out var qdisc));

        Assert.Equal(("", 0x10001u), (qdisc!.Interface, qdisc.Parent));
        Assert.Equal((200ul, 20ul, 2ul, 5ul, 4ul, 6ul, 60ul),
            (qdisc.Bytes, qdisc.Packets, qdisc.Drops, qdisc.Requeues, qdisc.Overlimits, qdisc.QueueLength, qdisc.Backlog));
    }

    [Fact]
    public void A_message_shorter_than_a_tcmsg_or_with_broken_attributes_is_malformed()
    {
        Assert.False(QdiscMessage.TryParse(new byte[12], Name, out _));
        Assert.False(QdiscMessage.TryParse(Concat(Tcmsg(1, 0, 0), U16(40), U16(1)), Name, out _));
    }
}
