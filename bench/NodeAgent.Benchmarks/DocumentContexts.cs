using NodeAgent.Delivery;
using NodeAgent.Kubernetes;

namespace NodeAgent.Benchmarks;

/// <summary>The document contexts the document-writing benchmarks encode with (kept apart from <see cref="Inputs"/>, so
/// a benchmark that needs only a context does not build the line blocks).</summary>
internal static class DocumentContexts
{
    /// <summary>A Deployment's container log (the orders pod) as the reading loop knows it from the file's path, before
    /// any pod metadata.</summary>
    public static DocumentFields Orders(bool parseJson = false) => new(
        "node-a",
        "/var/log/containers/orders-7d9f8b6c5-x2k4q_shop_orders-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log",
        new PodLogInfo("shop", "orders-7d9f8b6c5-x2k4q", "9b2f4c1e-3a5d-4e6f-8a7b-1c2d3e4f5a6b", "orders", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 0),
        DataStreamName.Default,
        "0.1.0",
        "containerd",
        parseJson: parseJson);
}
