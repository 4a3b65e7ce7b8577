using System.Buffers.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// <c>/proc/net/rpc/nfs</c> (NFS client) and <c>/proc/net/rpc/nfsd</c> (NFS server), parsed as prometheus/procfs'
/// nfs package parses them: "&lt;key&gt; &lt;uint&gt;..." lines; an unknown key, a short line or a count that does not
/// match is an error. Procedure lines start with their own count ("proc3 22 ..."); missing lines leave zeros.
/// Kernel sources: net/sunrpc/stats.c, fs/nfs/nfs{2,3,4}proc.c, fs/nfsd/stats.c.
/// </summary>
internal static class NfsRpcStats
{
    /// <summary>procfs' V2Stats fields, one per "proc2" value.</summary>
    public static readonly string[] V2Procedures =
        ["Null", "GetAttr", "SetAttr", "Root", "Lookup", "ReadLink", "Read", "WrCache", "Write", "Create", "Remove", "Rename", "Link",
         "SymLink", "MkDir", "RmDir", "ReadDir", "FsStat"];

    /// <summary>procfs' V3Stats fields, one per "proc3" value.</summary>
    public static readonly string[] V3Procedures =
        ["Null", "GetAttr", "SetAttr", "Lookup", "Access", "ReadLink", "Read", "Write", "Create", "MkDir", "SymLink", "MkNod", "Remove",
         "RmDir", "Rename", "Link", "ReadDir", "ReadDirPlus", "FsStat", "FsInfo", "PathConf", "Commit"];

    /// <summary>procfs' ClientV4Stats fields, one per client "proc4" value, in the kernel's order: value i counts the
    /// procedure numbered i in include/linux/nfs4.h (NFSPROC4_CLNT_*; fs/nfs/nfs4xdr.c places each at that index and
    /// net/sunrpc/stats.c prints them in index order), so LAYOUTGET (44) comes before GETDEVICEINFO (45), as nfsstat
    /// names them. procfs 0.17.0 (node_exporter 1.10.0 and later) maps these two the other way round, following the
    /// source order of nfs4xdr.c's designated initializers; NodeAgent keeps the kernel's (README). Older kernels write
    /// fewer values; the rest stay 0.</summary>
    public static readonly string[] ClientV4Procedures =
        ["Null", "Read", "Write", "Commit", "Open", "OpenConfirm", "OpenNoattr", "OpenDowngrade", "Close", "Setattr", "FsInfo", "Renew",
         "SetClientID", "SetClientIDConfirm", "Lock", "Lockt", "Locku", "Access", "Getattr", "Lookup", "LookupRoot", "Remove", "Rename",
         "Link", "Symlink", "Create", "Pathconf", "StatFs", "ReadLink", "ReadDir", "ServerCaps", "DelegReturn", "GetACL", "SetACL",
         "FsLocations", "ReleaseLockowner", "Secinfo", "FsidPresent", "ExchangeID", "CreateSession", "DestroySession", "Sequence",
         "GetLeaseTime", "ReclaimComplete", "LayoutGet", "GetDeviceInfo", "LayoutCommit", "LayoutReturn", "SecinfoNoName",
         "TestStateID", "FreeStateID", "GetDeviceList", "BindConnToSession", "DestroyClientID", "Seek", "Allocate", "DeAllocate",
         "LayoutStats", "Clone"];

    /// <summary>procfs' V4Ops fields: NFSv4 operation numbers 0..39 of the server "proc4ops" line (RFC 7530 §16);
    /// the 40th, RELEASE_LOCKOWNER, is absent on old kernels.</summary>
    public static readonly string[] ServerV4Operations =
        ["Op0Unused", "Op1Unused", "Op2Future", "Access", "Close", "Commit", "Create", "DelegPurge", "DelegReturn", "GetAttr", "GetFH",
         "Link", "Lock", "Lockt", "Locku", "Lookup", "LookupRoot", "Nverify", "Open", "OpenAttr", "OpenConfirm", "OpenDgrd", "PutFH",
         "PutPubFH", "PutRootFH", "Read", "ReadDir", "ReadLink", "Remove", "Rename", "Renew", "RestoreFH", "SaveFH", "SecInfo", "SetAttr",
         "SetClientID", "SetClientIDConfirm", "Verify", "Write", "RelLockOwner"];

    public static bool TryParseClient(ReadOnlySpan<byte> content, out NfsClientStats stats)
    {
        stats = new NfsClientStats();
        var values = new List<ulong>(64);
        foreach (var range in Lines(content))
        {
            if (!TryParseLine(content[range], values, out var key))
            {
                return false;
            }

            var ok = key switch
            {
                "net" => Exactly(values, stats.Network),
                "rpc" => Exactly(values, stats.Rpc),
                "proc2" => Procedures(values, stats.V2, minimum: V2Procedures.Length),
                "proc3" => Procedures(values, stats.V3, minimum: V3Procedures.Length),
                "proc4" => Procedures(values, stats.V4, minimum: 0),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public static bool TryParseServer(ReadOnlySpan<byte> content, out NfsServerStats stats)
    {
        stats = new NfsServerStats();
        var values = new List<ulong>(80);
        foreach (var range in Lines(content))
        {
            if (!TryParseLine(content[range], values, out var key))
            {
                return false;
            }

            var ok = key switch
            {
                "rc" => Exactly(values, stats.ReplyCache),
                "fh" => Exactly(values, stats.FileHandles),
                "io" => Exactly(values, stats.InputOutput),
                "th" => Exactly(values, stats.Threads),
                "ra" => Exactly(values, stats.ReadAheadCache),
                "net" => Exactly(values, stats.Network),
                "rpc" => Exactly(values, stats.Rpc),
                "proc2" => Procedures(values, stats.V2, minimum: V2Procedures.Length),
                "proc3" => Procedures(values, stats.V3, minimum: V3Procedures.Length),
                "proc4" => values.Count == 3 && values[0] == 2 && Procedures(values, stats.V4, minimum: 2),
                "proc4ops" => Procedures(values, stats.V4Ops, minimum: ServerV4Operations.Length - 1),
                "wdeleg_getattr" => Exactly(values[..1], stats.WdelegGetattr),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Line ranges; a final newline does not make an extra (empty, hence invalid) line.</summary>
    private static List<Range> Lines(ReadOnlySpan<byte> content)
    {
        var lines = new List<Range>();
        foreach (var range in content.Split((byte)'\n'))
        {
            lines.Add(range);
        }

        if (lines.Count > 0 && content[lines[^1]].IsEmpty)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    /// <summary>Splits "key v1 v2 ..." on spaces and tabs; at least one value. The "th" line keeps only its first two
    /// values: later kernels append a histogram of floats ("th 8 0 0.000 ...") that procfs ignores.</summary>
    private static bool TryParseLine(ReadOnlySpan<byte> line, List<ulong> values, out string key)
    {
        values.Clear();
        key = "";
        var fields = 0;
        var limit = int.MaxValue;
        while (true)
        {
            line = line.TrimStart(" \t\r\v\f"u8);
            if (line.IsEmpty || fields > limit)
            {
                break;
            }

            var end = line.IndexOfAny(" \t\r\v\f"u8);
            var field = end < 0 ? line : line[..end];
            line = end < 0 ? [] : line[end..];
            if (fields++ == 0)
            {
                key = System.Text.Encoding.ASCII.GetString(field);
                limit = key == "th" ? 2 : int.MaxValue;
                continue;
            }

            if (!Utf8Parser.TryParse(field, out ulong value, out var consumed) || consumed != field.Length)
            {
                return false;
            }

            values.Add(value);
        }

        return values.Count > 0 && (key != "th" || values.Count == 2);
    }

    private static bool Exactly(List<ulong> values, ulong[] into)
    {
        if (values.Count != into.Length)
        {
            return false;
        }

        values.CopyTo(into);
        return true;
    }

    /// <summary>"procN &lt;count&gt; v1 ... v&lt;count&gt;": the count must match and reach the minimum procfs
    /// requires; values beyond what procfs knows are ignored, missing ones stay 0.</summary>
    private static bool Procedures(List<ulong> values, ulong[] into, int minimum)
    {
        var count = values[0];
        if ((ulong)(values.Count - 1) != count || count < (ulong)minimum)
        {
            return false;
        }

        for (var i = 0; i < into.Length && i + 1 < values.Count; i++)
        {
            into[i] = values[i + 1];
        }

        return true;
    }
}

/// <summary>The client file's lines; each array is in the kernel's (and procfs') order.</summary>
internal sealed class NfsClientStats
{
    public ulong[] Network { get; } = new ulong[4];     // net: packets, udp, tcp, tcp connections

    public ulong[] Rpc { get; } = new ulong[3];         // rpc: calls, retransmissions, auth refreshes

    public ulong[] V2 { get; } = new ulong[NfsRpcStats.V2Procedures.Length];

    public ulong[] V3 { get; } = new ulong[NfsRpcStats.V3Procedures.Length];

    public ulong[] V4 { get; } = new ulong[NfsRpcStats.ClientV4Procedures.Length];
}

/// <summary>The server file's lines; each array is in the kernel's (and procfs') order.</summary>
internal sealed class NfsServerStats
{
    public ulong[] ReplyCache { get; } = new ulong[3];    // rc: hits, misses, nocache

    public ulong[] FileHandles { get; } = new ulong[5];   // fh: stale, then four fields the kernel no longer fills

    public ulong[] InputOutput { get; } = new ulong[2];   // io: bytes read, bytes written

    public ulong[] Threads { get; } = new ulong[2];       // th: threads, times all were busy

    public ulong[] ReadAheadCache { get; } = new ulong[12]; // ra: cache size, 10 histogram buckets, not found

    public ulong[] Network { get; } = new ulong[4];

    public ulong[] Rpc { get; } = new ulong[5];           // rpc: calls, bad total, bad format, bad auth, bad client

    public ulong[] V2 { get; } = new ulong[NfsRpcStats.V2Procedures.Length];

    public ulong[] V3 { get; } = new ulong[NfsRpcStats.V3Procedures.Length];

    public ulong[] V4 { get; } = new ulong[2];            // proc4: null, compound

    public ulong[] V4Ops { get; } = new ulong[NfsRpcStats.ServerV4Operations.Length];

    public ulong[] WdelegGetattr { get; } = new ulong[1]; // GETATTRs that recalled a write delegation (Linux 6.10+)
}
