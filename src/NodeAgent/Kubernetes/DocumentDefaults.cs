using NodeAgent.Delivery;

namespace NodeAgent.Kubernetes;

/// <summary>
/// What every file's documents start from before its pod's metadata is known: the node they come from and the target
/// the output writes to (<c>Elasticsearch:DataStream</c>, or none with <c>Elasticsearch:Index</c>). Set once by the
/// composition root from the output's own options, so the documents' <c>data_stream.*</c> always name the target
/// the output really writes to.
/// </summary>
internal sealed record DocumentDefaults(string NodeName, DataStreamName? Target)
{
    /// <summary>The fields of a file found at <paramref name="path"/>, before enrichment.</summary>
    public DocumentFields For(string path, PodLogInfo? pod, bool parseJson) =>
        new(NodeName, path, pod, Target, Telemetry.AgentVersion.Current, parseJson: parseJson);
}
