using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>The totals line of <c>/proc/net/ip_vs_stats</c> (third line, five hex numbers).</summary>
internal readonly record struct IpvsStats(ulong Connections, ulong IncomingPackets, ulong OutgoingPackets, ulong IncomingBytes, ulong OutgoingBytes)
{
    public static IpvsStats Parse(ReadOnlySpan<byte> content)
    {
        var lineNumber = 0;
        Span<ulong> values = stackalloc ulong[5];
        foreach (var range in content.Split((byte)'\n'))
        {
            if (++lineNumber != 3)
            {
                continue;
            }

            var line = content[range];
            var count = 0;
            foreach (var fieldRange in line.Split((byte)' '))
            {
                var field = line[fieldRange];
                if (field.IsEmpty)
                {
                    continue;
                }

                if (count == values.Length || !Utf8Parser.TryParse(field, out ulong value, out var consumed, 'X') || consumed != field.Length)
                {
                    throw new InvalidDataException($"ip_vs_stats totals line is not five hex numbers: '{Encoding.ASCII.GetString(line)}'");
                }

                values[count++] = value;
            }

            if (count != values.Length)
            {
                throw new InvalidDataException($"ip_vs_stats totals line has {count} fields, expected 5");
            }

            return new IpvsStats(values[0], values[1], values[2], values[3], values[4]);
        }

        throw new InvalidDataException("ip_vs_stats is too short");
    }
}

/// <summary>One real server of <c>/proc/net/ip_vs</c> with the virtual service it belongs to. Addresses are
/// already formatted as Go's <c>net.IP.String()</c> does (node_exporter's label values); <see cref="LocalAddress"/>
/// is empty and <see cref="LocalMark"/> set for firewall-mark services.</summary>
internal sealed record IpvsBackend(
    string Proto,
    string LocalAddress,
    ushort LocalPort,
    string LocalMark,
    string RemoteAddress,
    ushort RemotePort,
    ulong Weight,
    ulong ActiveConnections,
    ulong InactiveConnections)
{
    /// <summary>Service lines are <c>TCP|UDP hexip:hexport sched…</c> or <c>FWM mark sched</c>; each following
    /// <c>-&gt; hexip:hexport fwd weight active inactive</c> line is one real server (net/netfilter/ipvs/ip_vs_ctl.c
    /// <c>ip_vs_info_seq_show</c>). Other protocols (SCTP) are skipped without changing the current service, as
    /// prometheus/procfs does.</summary>
    public static IReadOnlyList<IpvsBackend> Parse(ReadOnlySpan<byte> content)
    {
        var backends = new List<IpvsBackend>();
        string proto = "", localAddress = "", localMark = "";
        ushort localPort = 0;
        Span<Range> fields = stackalloc Range[8];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var count = 0;
            foreach (var fieldRange in line.Split((byte)' '))
            {
                if (!line[fieldRange].IsEmpty && count < fields.Length)
                {
                    fields[count++] = fieldRange;
                }
            }

            if (count < 2)
            {
                continue;
            }

            var first = line[fields[0]];
            if (first.SequenceEqual("IP"u8) || first.SequenceEqual("Prot"u8) || line[fields[1]].SequenceEqual("RemoteAddress:Port"u8))
            {
                continue;
            }

            if (first.SequenceEqual("TCP"u8) || first.SequenceEqual("UDP"u8))
            {
                proto = Encoding.ASCII.GetString(first);
                localMark = "";
                (localAddress, localPort) = ParseAddress(line[fields[1]]);
            }
            else if (first.SequenceEqual("FWM"u8))
            {
                proto = "FWM";
                localMark = Encoding.ASCII.GetString(line[fields[1]]);
                localAddress = "";
                localPort = 0;
            }
            else if (first.SequenceEqual("->"u8) && count >= 6)
            {
                var (remoteAddress, remotePort) = ParseAddress(line[fields[1]]);
                backends.Add(new IpvsBackend(
                    proto, localAddress, localPort, localMark, remoteAddress, remotePort,
                    Decimal(line[fields[3]]), Decimal(line[fields[4]]), Decimal(line[fields[5]])));
            }
        }

        return backends;
    }

    private static ulong Decimal(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out ulong value, out var consumed) && consumed == text.Length
            ? value
            : throw new InvalidDataException($"'{Encoding.ASCII.GetString(text)}' is not a number");

    /// <summary><c>C0A80016:0CEA</c> (IPv4, network order in hex) or <c>[2620:0:…:1]:0050</c> (IPv6).</summary>
    private static (string Address, ushort Port) ParseAddress(ReadOnlySpan<byte> text)
    {
        IPAddress? address = null;
        if (text.Length == 13 && text[8] == (byte)':'
            && Utf8Parser.TryParse(text[..8], out uint v4, out var consumed, 'X') && consumed == 8)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, v4);
            address = new IPAddress(bytes);
        }
        else if (text.Length == 46 && text[0] == (byte)'[' && text[40] == (byte)']'
            && IPAddress.TryParse(Encoding.ASCII.GetString(text[1..40]), out var v6))
        {
            address = v6;
        }

        var port = text.Length >= 4 ? text[^4..] : default;
        if (address is null || !Utf8Parser.TryParse(port, out ushort portNumber, out var portLength, 'X') || portLength != 4)
        {
            throw new InvalidDataException($"unexpected IP:Port '{Encoding.ASCII.GetString(text)}'");
        }

        return (GoIpString(address), portNumber);
    }

    /// <summary>Go's <c>net.IP.String()</c>: dotted quad for IPv4 and IPv4-mapped IPv6, otherwise lowercase hex
    /// groups with the longest run (of two or more, first on ties) of zero groups as "::". .NET differs for
    /// IPv4-compatible and IPv4-mapped addresses, so the IPv6 form is written here.</summary>
    internal static string GoIpString(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        Span<ushort> groups = stackalloc ushort[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes[(i * 2)..]);
        }

        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < 8; i++)
        {
            var j = i;
            while (j < 8 && groups[j] == 0)
            {
                j++;
            }

            if (j - i >= 2 && j - i > bestLength)
            {
                (bestStart, bestLength) = (i, j - i);
            }

            i = j;
        }

        var text = new StringBuilder(39);
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.Append("::");
                i += bestLength - 1;
                continue;
            }

            if (i > 0 && i != bestStart + bestLength)
            {
                text.Append(':');
            }

            text.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
