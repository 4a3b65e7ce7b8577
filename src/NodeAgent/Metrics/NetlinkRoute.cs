using System.Buffers;
using System.Runtime.InteropServices;
using NodeAgent.Netlink;

namespace NodeAgent.Metrics;

/// <summary>
/// An rtnetlink link dump over a NETLINK_ROUTE socket of the agent's own network namespace (node_exporter's netdev
/// default, <c>--collector.netdev.netlink</c>), through libc as <see cref="KernelFile"/> reads files: one socket per
/// dump, closed after it. The messages are <see cref="RouteLinks"/>'.
/// </summary>
internal static partial class NetlinkRoute
{
    private const int AddressFamilyNetlink = 16; // AF_NETLINK
    private const int RawCloseOnExec = 3 | 0x80000; // SOCK_RAW | SOCK_CLOEXEC
    private const int ProtocolRoute = 0; // NETLINK_ROUTE
    private const int Interrupted = 4; // EINTR

    // The kernel fills dump datagrams up to 32 KiB (netlink_dump: max(NLMSG_GOODSIZE, the reader's buffer) capped).
    private const int DatagramBytes = 64 * 1024;

    public static unsafe List<LinkCounters> DumpLinks()
    {
        var fd = Socket(AddressFamilyNetlink, RawCloseOnExec, ProtocolRoute);
        if (fd < 0)
        {
            throw new IOException($"netlink socket: errno {Marshal.GetLastPInvokeError()}");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(DatagramBytes);
        try
        {
            var request = RouteLinks.DumpRequest(sequence: 1);
            nint sent;
            fixed (byte* start = request)
            {
                do
                {
                    sent = Send(fd, start, request.Length, 0);
                }
                while (sent < 0 && Marshal.GetLastPInvokeError() == Interrupted);
            }

            if (sent != request.Length)
            {
                throw new IOException($"netlink send: errno {Marshal.GetLastPInvokeError()}");
            }

            var links = new List<LinkCounters>();
            while (true)
            {
                nint received;
                fixed (byte* start = buffer)
                {
                    do
                    {
                        received = Receive(fd, start, buffer.Length, 0);
                    }
                    while (received < 0 && Marshal.GetLastPInvokeError() == Interrupted);
                }

                if (received <= 0)
                {
                    throw new IOException($"netlink receive: errno {Marshal.GetLastPInvokeError()}");
                }

                if (!RouteLinks.Parse(buffer.AsSpan(0, (int)received), links))
                {
                    return links;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _ = KernelFile.CloseDescriptor(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial nint Receive(int fd, byte* buffer, nint length, int flags);
}
