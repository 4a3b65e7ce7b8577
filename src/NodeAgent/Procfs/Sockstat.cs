using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One protocol line of <c>/proc/net/sockstat{,6}</c>. <c>inuse</c> is always reported (0 when the line
/// lacks it, as prometheus/procfs does); the others only when the kernel prints them.</summary>
internal sealed record SockstatProtocol(string Protocol, long InUse, long? Orphan, long? TimeWait, long? Alloc, long? Mem, long? Memory);

/// <summary><c>sockets: used N</c> (IPv4 file only) and the protocol lines.</summary>
internal sealed record Sockstat(long? Used, IReadOnlyList<SockstatProtocol> Protocols)
{
    /// <summary>Lines are <c>PROTO: key value key value…</c> (net/ipv4/proc.c <c>sockstat_seq_show</c>).</summary>
    public static Sockstat Parse(ReadOnlySpan<byte> content)
    {
        long? used = null;
        var protocols = new List<SockstatProtocol>();
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range].TrimEnd((byte)' ');
            if (line.IsEmpty)
            {
                continue;
            }

            var colon = line.IndexOf(": "u8);
            if (colon <= 0)
            {
                throw new InvalidDataException($"malformed line '{Encoding.ASCII.GetString(line)}'");
            }

            var protocol = line[..colon];
            var pairs = line[(colon + 2)..];
            long inUse = 0;
            long? orphan = null, timeWait = null, alloc = null, mem = null, memory = null, usedHere = null;
            var fields = pairs.Split((byte)' ');
            var any = false;
            while (fields.MoveNext())
            {
                var key = pairs[fields.Current];
                if (!fields.MoveNext())
                {
                    throw new InvalidDataException($"odd number of key/value fields in '{Encoding.ASCII.GetString(line)}'");
                }

                var text = pairs[fields.Current];
                if (!Utf8Parser.TryParse(text, out long value, out var consumed) || consumed != text.Length)
                {
                    throw new InvalidDataException($"value '{Encoding.ASCII.GetString(text)}' in '{Encoding.ASCII.GetString(line)}' is not an integer");
                }

                any = true;
                if (key.SequenceEqual("inuse"u8))
                {
                    inUse = value;
                }
                else if (key.SequenceEqual("orphan"u8))
                {
                    orphan = value;
                }
                else if (key.SequenceEqual("tw"u8))
                {
                    timeWait = value;
                }
                else if (key.SequenceEqual("alloc"u8))
                {
                    alloc = value;
                }
                else if (key.SequenceEqual("mem"u8))
                {
                    mem = value;
                }
                else if (key.SequenceEqual("memory"u8))
                {
                    memory = value;
                }
                else if (key.SequenceEqual("used"u8))
                {
                    usedHere = value;
                }
            }

            if (!any)
            {
                throw new InvalidDataException($"no key/value pairs in '{Encoding.ASCII.GetString(line)}'");
            }

            if (protocol.SequenceEqual("sockets"u8))
            {
                used = usedHere ?? 0;
            }
            else
            {
                protocols.Add(new SockstatProtocol(Encoding.ASCII.GetString(protocol), inUse, orphan, timeWait, alloc, mem, memory));
            }
        }

        return new Sockstat(used, protocols);
    }
}
