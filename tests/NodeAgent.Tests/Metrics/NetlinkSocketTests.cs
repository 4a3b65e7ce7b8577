using NodeAgent.Metrics;
using NodeAgent.Netlink;

namespace NodeAgent.Tests.Metrics;

/// <summary>The socket against the running kernel's generic netlink controller, which every Linux kernel has.</summary>
public sealed class NetlinkSocketTests
{
    [Fact]
    public void The_controller_resolves_its_own_family_and_refuses_an_unknown_one_with_enoent()
    {
        using var socket = NetlinkSocket.Open(NetlinkSocket.Generic);

        var reply = Assert.Single(socket.Request(GenericNetlink.Controller, 0, GenericNetlink.FamilyRequestBody("nlctrl")));
        Assert.True(GenericNetlink.TryParseFamily(reply.Payload, out var id, out _));
        Assert.Equal(GenericNetlink.Controller, id);

        var refused = Assert.Throws<NetlinkException>(() => socket.Request(GenericNetlink.Controller, 0, GenericNetlink.FamilyRequestBody("no-such-family")));
        Assert.Equal(NetlinkException.NoSuchEntry, refused.Errno);
        Assert.True(refused.IsUnavailable);
    }

    [Fact]
    public void Interface_names_come_from_this_network_namespace()
    {
        Assert.Equal("lo", NetlinkSocket.InterfaceName(1));
        Assert.Equal("", NetlinkSocket.InterfaceName(int.MaxValue));
        Assert.Equal("", NetlinkSocket.InterfaceName(0));
    }
}
