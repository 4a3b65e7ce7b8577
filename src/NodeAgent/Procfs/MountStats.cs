using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One <c>device … mounted on … with fstype …</c> entry of <c>/proc/[pid]/mountstats</c>; <see cref="Nfs"/>
/// is set for the NFS mounts whose statistics follow (<c>statvers=</c>).</summary>
internal sealed record MountStatsEntry(string Device, string MountPoint, string FsType, NfsMountStats? Nfs);

/// <summary>An NFS mount's statistics. <see cref="Bytes"/> and <see cref="Events"/> are the kernel's counters in its
/// order (8 and 27); each transport is laid out as procfs lays it out whatever its protocol (see
/// <see cref="MountStats"/>).</summary>
internal sealed record NfsMountStats(
    string StatVersion,
    double AgeSeconds,
    ulong[] Bytes,
    ulong[] Events,
    IReadOnlyList<NfsTransportStats> Transports,
    IReadOnlyList<NfsOperationStats> Operations);

/// <summary>One <c>xprt:</c> line: <see cref="Values"/> are port, bind count, connect count, connect idle time, idle
/// time, sends, receives, bad transaction ids, cumulative active requests, cumulative backlog, maximum slots used,
/// cumulative sending queue and cumulative pending queue (<see cref="MountStats.TransportFields"/> of them), zero
/// where the protocol has no such counter.</summary>
internal sealed record NfsTransportStats(string Protocol, ulong[] Values);

/// <summary>One line of <c>per-op statistics</c>: requests, transmissions, major timeouts, bytes sent, bytes received,
/// queue, response and request milliseconds (the first eight numbers; a ninth, errors, is not used).</summary>
internal sealed record NfsOperationStats(string Operation, ulong[] Values);

/// <summary>
/// <c>/proc/[pid]/mountstats</c> (fs/nfs/super.c nfs_show_stats, net/sunrpc xprt *_print_stats), read as
/// prometheus/procfs reads it (mountstats.go), so that node_exporter's mountstats collector's numbers come out the same:
/// a <c>device</c> line shorter than eight words or not of the form <c>device D mounted on M with fstype T</c> fails
/// the file; one with more (<c>statvers=</c>) must be nfs or nfs4 and is followed by its statistics up to a blank
/// line. <c>bytes:</c> needs 8 numbers, <c>events:</c> 27, <c>xprt:</c> the count its protocol and statistics version
/// (1.0 or 1.1) give (rdma at least 20), each per-op line at least 8; anything else fails the file.
/// </summary>
internal static class MountStats
{
    public const int TransportFields = 13;

    public static bool TryParse(ReadOnlySpan<byte> content, out List<MountStatsEntry> mounts, out string? problem)
    {
        mounts = [];
        problem = null;
        var lines = Encoding.UTF8.GetString(content).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var words = Words(lines[i]);
            if (words.Length == 0 || words[0] != "device")
            {
                continue;
            }

            if (words.Length < 8 || words[2] != "mounted" || words[3] != "on" || words[5] != "with" || words[6] != "fstype")
            {
                problem = $"invalid device line \"{lines[i]}\"";
                return false;
            }

            NfsMountStats? nfs = null;
            if (words.Length > 8)
            {
                if (words[7] is not ("nfs" or "nfs4"))
                {
                    problem = $"cannot parse statistics of fstype {words[7]}";
                    return false;
                }

                var version = words[8].StartsWith("statvers=", StringComparison.Ordinal) ? words[8]["statvers=".Length..] : words[8];
                if (!TryParseNfs(lines, ref i, version, out nfs, out problem))
                {
                    return false;
                }
            }

            mounts.Add(new MountStatsEntry(words[1], words[4], words[7], nfs));
        }

        return true;
    }

    private static bool TryParseNfs(string[] lines, ref int i, string version, out NfsMountStats? stats, out string? problem)
    {
        stats = null;
        problem = null;
        double age = 0;
        var bytes = new ulong[8];
        var events = new ulong[27];
        var transports = new List<NfsTransportStats>();
        var operations = new List<NfsOperationStats>();
        var inOperations = false;
        while (++i < lines.Length)
        {
            var words = Words(lines[i]);
            if (words.Length == 0)
            {
                break;
            }

            if (inOperations)
            {
                if (words.Length < 9 || !TryParseNumbers(words.AsSpan(1), out var values))
                {
                    problem = $"invalid per-op statistics \"{lines[i].Trim()}\"";
                    return false;
                }

                operations.Add(new NfsOperationStats(words[0].TrimEnd(':'), values));
                continue;
            }

            switch (words[0])
            {
                case "age:" when words.Length >= 2 && AsciiFields.TryParseFloat(Encoding.ASCII.GetBytes(words[1]), out var seconds):
                    age = seconds;
                    break;
                case "bytes:" when words.Length == 9 && TryParseNumbers(words.AsSpan(1), out var parsed):
                    bytes = parsed;
                    break;
                case "events:" when words.Length == 28 && TryParseNumbers(words.AsSpan(1), out var parsed):
                    events = parsed;
                    break;
                case "xprt:" when words.Length >= 3 && TryParseTransport(words[1], words.AsSpan(2), version, out var transport, out problem):
                    transports.Add(transport!);
                    break;
                case "age:" or "bytes:" or "events:" or "xprt:":
                    problem ??= $"invalid NFS statistics \"{lines[i].Trim()}\"";
                    return false;
                case "per-op":
                    inOperations = true;
                    break;
            }
        }

        stats = new NfsMountStats(version, age, bytes, events, transports, operations);
        return true;
    }

    private static bool TryParseTransport(string protocol, ReadOnlySpan<string> words, string version, out NfsTransportStats? transport, out string? problem)
    {
        transport = null;
        problem = null;
        var valid = (version, protocol) switch
        {
            ("1.0", "tcp") => words.Length == 10,
            ("1.0", "udp") => words.Length == 7,
            ("1.1", "tcp") => words.Length == 13,
            ("1.1", "udp") => words.Length == 10,
            ("1.1", "rdma") => words.Length >= 20,
            _ => false,
        };
        if (!valid || !TryParseNumbers(words, out var numbers))
        {
            problem = $"invalid NFS transport statistics (statvers {version}): {protocol} {string.Join(' ', words.ToArray())}";
            return false;
        }

        // procfs' layout: UDP has no connect count, connect idle time nor idle time (three zeros after the bind
        // count); RDMA has no slot and queue counters (three zeros after the backlog).
        var values = new ulong[TransportFields];
        for (var to = 0; to < TransportFields; to++)
        {
            var from = protocol switch
            {
                "udp" => to < 2 ? to : to < 5 ? -1 : to - 3,
                "rdma" => to < 10 ? to : -1,
                _ => to,
            };
            values[to] = from >= 0 && from < numbers.Length ? numbers[from] : 0;
        }

        transport = new NfsTransportStats(protocol, values);
        return true;
    }

    private static bool TryParseNumbers(ReadOnlySpan<string> words, out ulong[] values)
    {
        values = new ulong[words.Length];
        for (var i = 0; i < words.Length; i++)
        {
            if (!AsciiFields.TryParseUInt64(Encoding.ASCII.GetBytes(words[i]), out values[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string[] Words(string line) =>
        line.Split((char[])[' ', '\t', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries);
}
