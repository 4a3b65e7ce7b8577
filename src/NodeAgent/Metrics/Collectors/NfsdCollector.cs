using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// NFS server statistics from <c>&lt;proc&gt;/net/rpc/nfsd</c> (per network namespace, present once nfsd is loaded)
/// as node_exporter 1.12's nfsd collector exposes them. Request counters leave out the NULL procedures and the v4
/// PUTPUBFH/PUTROOTFH operations, as node_exporter does, and add the wdeleg_getattr line as method "WdelegGetattr".
/// </summary>
internal sealed class NfsdCollector(CollectorContext context) : INodeCollector
{
    // node_exporter's v4 operation list: every procfs V4Ops field except Op0Unused/Op1Unused/Op2Future/PutPubFH/PutRootFH.
    private static readonly HashSet<string> SkippedV4Operations = ["Op0Unused", "Op1Unused", "Op2Future", "PutPubFH", "PutRootFH"];

    public static CollectorDescriptor Descriptor { get; } = new("nfsd", true, (context, _) => new NfsdCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("net/rpc/nfsd");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!NfsRpcStats.TryParseServer(content, out var stats))
        {
            throw new InvalidDataException($"{path}: malformed NFS server statistics");
        }

        Counter(writer, "node_nfsd_connections_total", "Total number of NFSd TCP connections.", stats.Network[3]);
        Counter(writer, "node_nfsd_disk_bytes_read_total", "Total NFSd bytes read.", stats.InputOutput[0]);
        Counter(writer, "node_nfsd_disk_bytes_written_total", "Total NFSd bytes written.", stats.InputOutput[1]);

        // The other "fh" fields are no longer filled by the kernel.
        Counter(writer, "node_nfsd_file_handles_stale_total", "Total number of NFSd stale file handles", stats.FileHandles[0]);

        writer.Family("node_nfsd_packets_total", MetricType.Counter, "Total NFSd network packets (sent+received) by protocol type.");
        writer.Sample(stats.Network[2], "proto", "tcp");
        writer.Sample(stats.Network[1], "proto", "udp");

        Counter(writer, "node_nfsd_read_ahead_cache_not_found_total", "Total number of NFSd read ahead cache not found.", stats.ReadAheadCache[11]);
        writer.Family("node_nfsd_read_ahead_cache_size_blocks", MetricType.Gauge, "How large the read ahead cache is in blocks.");
        writer.Sample(stats.ReadAheadCache[0]);

        Counter(writer, "node_nfsd_reply_cache_hits_total", "Total number of NFSd Reply Cache hits (client lost server response).", stats.ReplyCache[0]);
        Counter(writer, "node_nfsd_reply_cache_misses_total", "Total number of NFSd Reply Cache an operation that requires caching (idempotent).", stats.ReplyCache[1]);
        Counter(writer, "node_nfsd_reply_cache_nocache_total", "Total number of NFSd Reply Cache non-idempotent operations (rename/delete/…).", stats.ReplyCache[2]);

        writer.Family("node_nfsd_requests_total", MetricType.Counter, "Total number NFSd Requests by method and protocol.");
        foreach (var (method, proto, value) in Requests(stats))
        {
            writer.Sample(value, "method", method, "proto", proto);
        }

        writer.Family("node_nfsd_rpc_errors_total", MetricType.Counter, "Total number of NFSd RPC errors by error type.");
        writer.Sample(stats.Rpc[3], "error", "auth");
        writer.Sample(stats.Rpc[4], "error", "cInt");
        writer.Sample(stats.Rpc[2], "error", "fmt");

        Counter(writer, "node_nfsd_server_rpcs_total", "Total number of NFSd RPCs.", stats.Rpc[0]);
        writer.Family("node_nfsd_server_threads", MetricType.Gauge, "Total number of NFSd kernel threads that are running.");
        writer.Sample(stats.Threads[0]);
        return CollectResult.Success;
    }

    private static void Counter(MetricWriter writer, string name, string help, ulong value)
    {
        writer.Family(name, MetricType.Counter, help);
        writer.Sample(value);
    }

    /// <summary>All (method, proto) pairs in label-value order, as client_golang sorts them.</summary>
    private static List<(string Method, string Proto, ulong Value)> Requests(NfsServerStats stats)
    {
        var requests = new List<(string Method, string Proto, ulong Value)>(80);
        for (var i = 1; i < NfsRpcStats.V2Procedures.Length; i++)
        {
            requests.Add((NfsRpcStats.V2Procedures[i], "2", stats.V2[i]));
        }

        for (var i = 1; i < NfsRpcStats.V3Procedures.Length; i++)
        {
            requests.Add((NfsRpcStats.V3Procedures[i], "3", stats.V3[i]));
        }

        for (var i = 0; i < NfsRpcStats.ServerV4Operations.Length; i++)
        {
            if (!SkippedV4Operations.Contains(NfsRpcStats.ServerV4Operations[i]))
            {
                requests.Add((NfsRpcStats.ServerV4Operations[i], "4", stats.V4Ops[i]));
            }
        }

        requests.Add(("WdelegGetattr", "4", stats.WdelegGetattr[0]));
        requests.Sort(static (a, b) => SampleOrder.Compare((a.Method, a.Proto), (b.Method, b.Proto)));
        return requests;
    }
}
