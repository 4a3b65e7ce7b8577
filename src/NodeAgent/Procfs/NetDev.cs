using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One interface line of <c>/proc/net/dev</c>: the sixteen counters in the kernel's column order
/// (net/core/net-procfs.c <c>dev_seq_printf_stats</c>).</summary>
internal sealed record NetDevLine(
    string Device,
    ulong ReceiveBytes,
    ulong ReceivePackets,
    ulong ReceiveErrors,
    ulong ReceiveDropped,
    ulong ReceiveFifo,
    ulong ReceiveFrame,
    ulong ReceiveCompressed,
    ulong ReceiveMulticast,
    ulong TransmitBytes,
    ulong TransmitPackets,
    ulong TransmitErrors,
    ulong TransmitDropped,
    ulong TransmitFifo,
    ulong TransmitCollisions,
    ulong TransmitCarrier,
    ulong TransmitCompressed);

/// <summary>Parses <c>/proc/net/dev</c>: two header lines, then <c>name: 16 counters</c> per interface. The name is
/// right-aligned and may be glued to the colon; counters are separated by runs of spaces.</summary>
internal static class NetDev
{
    private const int Columns = 16;

    public static IReadOnlyList<NetDevLine> Parse(ReadOnlySpan<byte> content)
    {
        var lines = new List<NetDevLine>();
        var lineNumber = 0;
        Span<ulong> values = stackalloc ulong[Columns];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            lineNumber++;
            if (lineNumber <= 2 || line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                throw new InvalidDataException($"line {lineNumber} has no interface name: '{Encoding.UTF8.GetString(line)}'");
            }

            var name = line[..colon].Trim((byte)' ');
            var rest = line[(colon + 1)..];
            var count = 0;
            foreach (var fieldRange in rest.Split((byte)' '))
            {
                var field = rest[fieldRange];
                if (field.IsEmpty)
                {
                    continue;
                }

                if (count == Columns || !Utf8Parser.TryParse(field, out ulong value, out var consumed) || consumed != field.Length)
                {
                    throw new InvalidDataException($"line {lineNumber} ('{Encoding.UTF8.GetString(name)}') is not {Columns} counters");
                }

                values[count++] = value;
            }

            if (count != Columns)
            {
                throw new InvalidDataException($"line {lineNumber} ('{Encoding.UTF8.GetString(name)}') has {count} counters, expected {Columns}");
            }

            lines.Add(new NetDevLine(
                Encoding.UTF8.GetString(name),
                values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7],
                values[8], values[9], values[10], values[11], values[12], values[13], values[14], values[15]));
        }

        return lines;
    }
}
