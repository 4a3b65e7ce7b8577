using System.Buffers;
using System.Runtime.InteropServices;
using NodeAgent.Netlink;

namespace NodeAgent.Metrics;

/// <summary>A netlink request the kernel refused or a socket call that failed, with its errno.</summary>
internal sealed class NetlinkException(string operation, int errno)
    : IOException($"netlink {operation}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
{
    public const int NoSuchEntry = 2; // ENOENT
    public const int NotPermitted = 1; // EPERM
    public const int AccessDenied = 13; // EACCES
    public const int FamilyNotSupported = 97; // EAFNOSUPPORT
    public const int ProtocolNotSupported = 93; // EPROTONOSUPPORT

    public int Errno => errno;

    /// <summary>The kernel lacks the feature or refuses this process: node_exporter's "no data" for wifi.</summary>
    public bool IsUnavailable => errno is NoSuchEntry or NotPermitted or AccessDenied or FamilyNotSupported or ProtocolNotSupported;
}

/// <summary>
/// A netlink socket of the agent's own network namespace (the node's, with hostNetwork), through libc with
/// <c>[LibraryImport]</c> (AOT-safe; .NET's Socket has no AF_NETLINK). One request at a time: a request, then the
/// kernel's replies up to NLMSG_DONE (a dump) or the one reply. Receives time out after 5 s, so a kernel that never
/// answers cannot hold a collector; the scrape's own deadline stays the outer bound.
/// </summary>
internal sealed partial class NetlinkSocket : IDisposable
{
    public const int Route = 0; // NETLINK_ROUTE
    public const int Generic = 16; // NETLINK_GENERIC

    private const int AddressFamilyNetlink = 16; // AF_NETLINK
    private const int RawCloseOnExec = 3 | 0x80000; // SOCK_RAW | SOCK_CLOEXEC
    private const int SocketLevel = 1, ReceiveTimeout = 20; // SOL_SOCKET, SO_RCVTIMEO (x86_64 and arm64)
    private const int Truncated = 0x20; // MSG_TRUNC
    private const int Interrupted = 4; // EINTR

    // The kernel sends a dump in datagrams of at most 32 KiB (netlink_recvmsg caps max_recvmsg_len there). Rented:
    // netdev opens a socket per scrape, and a fresh 64 KiB array each time is garbage the scrape need not make.
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private readonly int _fd;
    private uint _sequence;
    private bool _disposed;

    private NetlinkSocket(int fd) => _fd = fd;

    public static unsafe NetlinkSocket Open(int protocol)
    {
        var fd = Socket(AddressFamilyNetlink, RawCloseOnExec, protocol);
        if (fd < 0)
        {
            throw new NetlinkException("socket", Marshal.GetLastPInvokeError());
        }

        var timeout = stackalloc long[2] { 5, 0 }; // struct timeval: 5 s
        _ = SetSocketOption(fd, SocketLevel, ReceiveTimeout, timeout, 16);
        return new NetlinkSocket(fd);
    }

    /// <summary>Sends a request and returns the kernel's reply messages (without NLMSG_DONE); an NLMSG_ERROR with a
    /// non-zero code throws <see cref="NetlinkException"/>.</summary>
    public unsafe List<NetlinkMessage> Request(ushort type, ushort flags, ReadOnlySpan<byte> body)
    {
        var sequence = ++_sequence;
        var request = NetlinkFormat.Message(type, (ushort)(NetlinkFormat.Request | flags), sequence, body);
        nint sent;
        fixed (byte* bytes = request)
        {
            do
            {
                sent = Send(_fd, bytes, request.Length, 0);
            }
            while (sent < 0 && Marshal.GetLastPInvokeError() == Interrupted);
        }

        if (sent < 0)
        {
            throw new NetlinkException("send", Marshal.GetLastPInvokeError());
        }

        var replies = new List<NetlinkMessage>();
        while (true)
        {
            var datagram = Receive();
            var messages = new List<NetlinkMessage>();
            if (!NetlinkFormat.TryReadMessages(datagram, messages))
            {
                throw new InvalidDataException("netlink: malformed reply");
            }

            foreach (var message in messages)
            {
                if (message.Sequence != sequence)
                {
                    continue; // a late reply to an earlier request
                }

                if (message.Type == NetlinkFormat.Error)
                {
                    var code = NetlinkFormat.ErrorCode(message.Payload.Span);
                    if (code != 0)
                    {
                        throw new NetlinkException($"request {type}", -code);
                    }

                    return replies;
                }

                if (message.Type == NetlinkFormat.Done)
                {
                    return replies;
                }

                replies.Add(message);
                if ((message.Flags & NetlinkFormat.Multi) == 0)
                {
                    return replies;
                }
            }
        }
    }

    private unsafe byte[] Receive()
    {
        nint length;
        fixed (byte* buffer = _buffer)
        {
            do
            {
                length = Recv(_fd, buffer, _buffer.Length, Truncated);
            }
            while (length < 0 && Marshal.GetLastPInvokeError() == Interrupted);
        }

        if (length < 0)
        {
            throw new NetlinkException("recv", Marshal.GetLastPInvokeError());
        }

        if (length > _buffer.Length)
        {
            throw new InvalidDataException($"netlink: a {length}-byte reply does not fit the {_buffer.Length}-byte buffer");
        }

        return _buffer.AsSpan(0, (int)length).ToArray();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _ = KernelFile.CloseDescriptor(_fd);
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    /// <summary>The name of an interface of this network namespace by index (if_indextoname(3)); "" when there is
    /// none, as node_exporter's map lookup gives.</summary>
    public static unsafe string InterfaceName(int index)
    {
        var name = stackalloc byte[16]; // IF_NAMESIZE
        return index > 0 && IndexToName((uint)index, name) != 0
            ? MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name).Length is var n and > 0 ? System.Text.Encoding.UTF8.GetString(name, n) : ""
            : "";
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static unsafe partial int SetSocketOption(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "if_indextoname")]
    private static unsafe partial nint IndexToName(uint index, byte* name);
}
