using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// NFS client RPC statistics from <c>&lt;proc&gt;/net/rpc/nfs</c> as node_exporter 1.12's nfs collector exposes them.
/// The file is per network namespace and exists once the nfs module is loaded; procedures are labelled with
/// procfs' field names (method="GetAttr", proto="3"), every known procedure of v2, v3 and v4 always present.
/// </summary>
internal sealed class NfsCollector(CollectorContext context) : INodeCollector
{
    public static CollectorDescriptor Descriptor { get; } = new("nfs", true, (context, _) => new NfsCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("net/rpc/nfs");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!NfsRpcStats.TryParseClient(content, out var stats))
        {
            throw new InvalidDataException($"{path}: malformed NFS client statistics");
        }

        writer.Family("node_nfs_connections_total", MetricType.Counter, "Total number of NFSd TCP connections.");
        writer.Sample(stats.Network[3]);

        writer.Family("node_nfs_packets_total", MetricType.Counter, "Total NFSd network packets (sent+received) by protocol type.");
        writer.Sample(stats.Network[2], "protocol", "tcp");
        writer.Sample(stats.Network[1], "protocol", "udp");

        writer.Family("node_nfs_requests_total", MetricType.Counter, "Number of NFS procedures invoked.");
        foreach (var (method, proto, value) in Requests(stats))
        {
            writer.Sample(value, "method", method, "proto", proto);
        }

        writer.Family("node_nfs_rpc_authentication_refreshes_total", MetricType.Counter, "Number of RPC authentication refreshes performed.");
        writer.Sample(stats.Rpc[2]);

        writer.Family("node_nfs_rpc_retransmissions_total", MetricType.Counter, "Number of RPC transmissions performed.");
        writer.Sample(stats.Rpc[1]);

        writer.Family("node_nfs_rpcs_total", MetricType.Counter, "Total number of RPCs performed.");
        writer.Sample(stats.Rpc[0]);
        return CollectResult.Success;
    }

    /// <summary>All (method, proto) pairs in label-value order, as client_golang sorts them.</summary>
    private static List<(string Method, string Proto, ulong Value)> Requests(NfsClientStats stats)
    {
        var requests = new List<(string Method, string Proto, ulong Value)>(
            NfsRpcStats.V2Procedures.Length + NfsRpcStats.V3Procedures.Length + NfsRpcStats.ClientV4Procedures.Length);
        Add(requests, NfsRpcStats.V2Procedures, stats.V2, "2");
        Add(requests, NfsRpcStats.V3Procedures, stats.V3, "3");
        Add(requests, NfsRpcStats.ClientV4Procedures, stats.V4, "4");
        requests.Sort(static (a, b) => SampleOrder.Compare((a.Method, a.Proto), (b.Method, b.Proto)));
        return requests;
    }

    private static void Add(List<(string, string, ulong)> requests, string[] names, ulong[] values, string proto)
    {
        for (var i = 0; i < names.Length; i++)
        {
            requests.Add((names[i], proto, values[i]));
        }
    }
}
