using System.Runtime.InteropServices;

namespace NodeAgent.Netlink;

/// <summary>One message of a netlink reply: its header's type and flags, and the bytes after the header.</summary>
internal readonly record struct NetlinkMessage(ushort Type, ushort Flags, uint Sequence, ReadOnlyMemory<byte> Payload);

/// <summary>One attribute (struct nlattr / rtattr): its type without the nested and byte-order flags, and its value.</summary>
internal readonly record struct NetlinkAttribute(ushort Type, ReadOnlyMemory<byte> Data)
{
    public uint UInt32 => Data.Length >= 4 ? MemoryMarshal.Read<uint>(Data.Span) : 0;

    public ushort UInt16 => Data.Length >= 2 ? MemoryMarshal.Read<ushort>(Data.Span) : (ushort)0;

    public ulong UInt64 => Data.Length >= 8 ? MemoryMarshal.Read<ulong>(Data.Span) : 0;

    /// <summary>A NUL-terminated string attribute, without the NUL.</summary>
    public string Text
    {
        get
        {
            var span = Data.Span;
            var end = span.IndexOf((byte)0);
            return System.Text.Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
        }
    }
}

/// <summary>
/// The netlink wire format (netlink(7), include/uapi/linux/netlink.h): messages of a 16-byte header (length, type,
/// flags, sequence, port id) and a payload, each padded to 4 bytes; attributes of a 4-byte header (length, type) and a
/// value, each padded to 4 bytes. Everything is in the host's byte order. Pure functions over bytes: the socket is
/// <c>Metrics.NetlinkSocket</c>.
/// </summary>
internal static class NetlinkFormat
{
    public const int HeaderLength = 16;
    public const ushort Error = 2; // NLMSG_ERROR
    public const ushort Done = 3; // NLMSG_DONE
    public const ushort Request = 0x1; // NLM_F_REQUEST
    public const ushort Multi = 0x2; // NLM_F_MULTI
    public const ushort Dump = 0x300; // NLM_F_ROOT | NLM_F_MATCH
    private const ushort AttributeTypeMask = 0x3FFF; // ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER)

    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>A request: the header (port id 0, the kernel) followed by <paramref name="body"/>.</summary>
    public static byte[] Message(ushort type, ushort flags, uint sequence, ReadOnlySpan<byte> body)
    {
        var message = new byte[HeaderLength + body.Length];
        var span = message.AsSpan();
        MemoryMarshal.Write(span, (uint)message.Length);
        MemoryMarshal.Write(span[4..], type);
        MemoryMarshal.Write(span[6..], flags);
        MemoryMarshal.Write(span[8..], sequence);
        body.CopyTo(span[HeaderLength..]);
        return message;
    }

    /// <summary>An attribute, padded: to append to a request body.</summary>
    public static byte[] Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        var attribute = new byte[Align(4 + value.Length)];
        MemoryMarshal.Write(attribute, (ushort)(4 + value.Length));
        MemoryMarshal.Write(attribute.AsSpan(2), type);
        value.CopyTo(attribute.AsSpan(4));
        return attribute;
    }

    public static byte[] Attribute(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        MemoryMarshal.Write(bytes, value);
        return Attribute(type, bytes);
    }

    /// <summary>The messages of one datagram; false when a header claims more bytes than the datagram has.</summary>
    public static bool TryReadMessages(ReadOnlyMemory<byte> datagram, List<NetlinkMessage> messages)
    {
        var offset = 0;
        while (datagram.Length - offset >= HeaderLength)
        {
            var span = datagram.Span[offset..];
            var length = (int)MemoryMarshal.Read<uint>(span);
            if (length < HeaderLength || length > span.Length)
            {
                return false;
            }

            messages.Add(new NetlinkMessage(MemoryMarshal.Read<ushort>(span[4..]), MemoryMarshal.Read<ushort>(span[6..]),
                MemoryMarshal.Read<uint>(span[8..]), datagram.Slice(offset + HeaderLength, length - HeaderLength)));
            offset += Align(length);
        }

        return true;
    }

    /// <summary>The attributes of <paramref name="data"/>; false when one claims more bytes than there are.</summary>
    public static bool TryReadAttributes(ReadOnlyMemory<byte> data, out List<NetlinkAttribute> attributes)
    {
        attributes = [];
        var offset = 0;
        while (data.Length - offset >= 4)
        {
            var span = data.Span[offset..];
            var length = MemoryMarshal.Read<ushort>(span);
            if (length < 4 || length > span.Length)
            {
                return false;
            }

            attributes.Add(new NetlinkAttribute((ushort)(MemoryMarshal.Read<ushort>(span[2..]) & AttributeTypeMask), data.Slice(offset + 4, length - 4)));
            offset += Align(length);
        }

        return true;
    }

    /// <summary>The error code of an NLMSG_ERROR payload: 0 for an acknowledgement, else a negative errno.</summary>
    public static int ErrorCode(ReadOnlySpan<byte> payload) =>
        payload.Length >= 4 ? MemoryMarshal.Read<int>(payload) : 0;
}
