using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>Totals of <c>/proc/net/{udp,udp6}</c>: the tx_queue and rx_queue columns summed over all sockets, in
/// bytes (prometheus/procfs <c>NetIPSocketSummary</c>).</summary>
internal readonly record struct IpSocketSummary(ulong TxQueueBytes, ulong RxQueueBytes, ulong Sockets)
{
    /// <summary>A header line, then one line per socket:
    /// <c>sl: local:port remote:port st tx_queue:rx_queue tr:when retrnsmt uid …</c>, numbers in hex
    /// (net/ipv4/udp.c <c>udp4_format_sock</c>). Lines with fewer than 8 columns are malformed, as procfs treats them.</summary>
    public static IpSocketSummary Parse(ReadOnlySpan<byte> content)
    {
        ulong tx = 0, rx = 0, sockets = 0;
        var first = true;
        Span<Range> fields = stackalloc Range[9];
        foreach (var range in content.Split((byte)'\n'))
        {
            if (first)
            {
                first = false;
                continue;
            }

            var line = content[range];
            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            var count = 0;
            foreach (var fieldRange in line.Split((byte)' '))
            {
                if (line[fieldRange].IsEmpty)
                {
                    continue;
                }

                if (count == fields.Length)
                {
                    break;
                }

                fields[count++] = fieldRange;
            }

            if (count < 8)
            {
                throw new InvalidDataException($"socket line has fewer than 8 columns: '{Encoding.ASCII.GetString(line)}'");
            }

            var queues = line[fields[4]];
            var colon = queues.IndexOf((byte)':');
            if (colon < 0 || !TryParseHex(queues[..colon], out var txQueue) || !TryParseHex(queues[(colon + 1)..], out var rxQueue))
            {
                throw new InvalidDataException($"socket line has no tx_queue:rx_queue column: '{Encoding.ASCII.GetString(line)}'");
            }

            tx += txQueue;
            rx += rxQueue;
            sockets++;
        }

        return new IpSocketSummary(tx, rx, sockets);
    }

    private static bool TryParseHex(ReadOnlySpan<byte> text, out ulong value) =>
        Utf8Parser.TryParse(text, out value, out var consumed, 'X') && consumed == text.Length && !text.IsEmpty;
}
