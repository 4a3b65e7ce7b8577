using NodeAgent.Netlink;

namespace NodeAgent.Metrics;

/// <summary>
/// An rtnetlink link dump in the agent's own network namespace (node_exporter's netdev default,
/// <c>--collector.netdev.netlink</c>): one <see cref="NetlinkSocket"/> per dump, closed after it; the messages are
/// <see cref="RouteLinks"/>'.
/// </summary>
internal static class NetlinkRoute
{
    public static List<LinkCounters> DumpLinks()
    {
        using var socket = NetlinkSocket.Open(NetlinkSocket.Route);
        return RouteLinks.Links(socket.Request(RouteLinks.GetLink, NetlinkFormat.Dump, RouteLinks.DumpBody()));
    }
}
