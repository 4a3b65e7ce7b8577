using System.Buffers;
using System.Text.Json;
using NodeAgent.Delivery;
using NodeAgent.Shipping;

namespace NodeAgent.Kubernetes;

/// <summary>
/// Everything a file's documents hold besides their <see cref="LogRecord"/>: where the file is, what its path and the
/// API server say about its pod, and the data stream the output writes to. It is encoded once into the
/// <see cref="DocumentContext"/> that travels with the file's batches, so that a document costs only its record's
/// fields (see <see cref="EcsDocumentWriter"/>); a change (the pod's metadata arrived) makes a new one.
/// </summary>
/// <remarks>
/// The properties have no setters on purpose: a <c>with</c> expression copies fields without rerunning the encoding,
/// so allowing one would let <see cref="Context"/> go stale. Build a new one instead.
/// </remarks>
internal sealed record DocumentFields
{
    /// <summary>The ECS version the field set follows (ECS 8.11 field reference).</summary>
    public const string EcsVersion = "8.11.0";

    public const string AgentType = "node-agent";

    /// <param name="filePath">The path as found under <c>Logs:Include</c> (the link, not its target): <c>log.file.path</c>.</param>
    /// <param name="pod">What the path says about the pod; <see langword="null"/> for a file outside Kubernetes' layout.</param>
    /// <param name="containerRuntime"><c>container.runtime</c> (for example <c>containerd</c>), when known.</param>
    /// <param name="kubernetes">What the API server says about the pod, when known (<see cref="KubernetesFields"/>).</param>
    /// <param name="dataStream">The data stream the documents go to, named in <c>data_stream.*</c> and
    /// <c>event.dataset</c>; null for <c>Elasticsearch:Index</c>, whose documents carry no <c>data_stream.*</c>.</param>
    /// <param name="plain">A plain host file's (<see cref="AsPlain"/>).</param>
    public DocumentFields(string nodeName, string filePath, PodLogInfo? pod, DataStreamName? dataStream, string agentVersion, string? containerRuntime = null, KubernetesFields? kubernetes = null, bool parseJson = false, bool plain = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (dataStream is { } named)
        {
            ArgumentException.ThrowIfNullOrEmpty(named.Type, nameof(dataStream));
            ArgumentException.ThrowIfNullOrEmpty(named.Dataset, nameof(dataStream));
            ArgumentException.ThrowIfNullOrEmpty(named.Namespace, nameof(dataStream));
        }

        ArgumentException.ThrowIfNullOrEmpty(agentVersion);
        NodeName = nodeName;
        FilePath = filePath;
        Pod = pod;
        DataStream = dataStream;
        AgentVersion = agentVersion;
        ContainerRuntime = string.IsNullOrEmpty(containerRuntime) ? null : containerRuntime;
        Kubernetes = kubernetes;
        ParseJson = parseJson;
        Plain = plain;
        Context = new DocumentContext(filePath, dataStream, parseJson, EncodeTail(), hasStream: !plain, routed: plain);
    }

    /// <summary>A context with the default data stream and this build's version unless told otherwise.</summary>
    public static DocumentFields Create(string nodeName, string filePath, PodLogInfo? pod, DataStreamName? dataStream = null, string? containerRuntime = null, KubernetesFields? kubernetes = null, bool parseJson = false) =>
        new(nodeName, filePath, pod, dataStream ?? DataStreamName.Default, Telemetry.AgentVersion.Current, containerRuntime, kubernetes, parseJson);

    /// <summary>The same file's context with other Kubernetes fields (the pod's metadata arrived or changed).</summary>
    public DocumentFields With(KubernetesFields? kubernetes, bool parseJson) =>
        new(NodeName, FilePath, Pod, DataStream, AgentVersion, ContainerRuntime, kubernetes, parseJson, Plain);

    /// <summary>The same file's fields once its lines turned out to be plain: they go to
    /// <paramref name="dataStream"/> (<c>Logs:PlainDataStream</c>; null with <c>Elasticsearch:Index</c>).</summary>
    public DocumentFields AsPlain(DataStreamName? dataStream) =>
        new(NodeName, FilePath, Pod, dataStream, AgentVersion, ContainerRuntime, Kubernetes, ParseJson, plain: true);

    public string NodeName { get; }

    public string FilePath { get; }

    public PodLogInfo? Pod { get; }

    public DataStreamName? DataStream { get; }

    public string AgentVersion { get; }

    public string? ContainerRuntime { get; }

    public KubernetesFields? Kubernetes { get; }

    /// <summary>Messages that are JSON objects also go into <c>json.*</c> (<see cref="EcsDocumentWriter"/>).</summary>
    public bool ParseJson { get; }

    /// <summary>A plain host file's: no <c>stream</c>, its own data stream.</summary>
    public bool Plain { get; }

    /// <summary>What the output writes with each record: these fields, encoded.</summary>
    public DocumentContext Context { get; }

    public bool Equals(DocumentFields? other) =>
        other is not null
        && string.Equals(NodeName, other.NodeName, StringComparison.Ordinal)
        && string.Equals(FilePath, other.FilePath, StringComparison.Ordinal)
        && Equals(Pod, other.Pod)
        && DataStream.Equals(other.DataStream)
        && string.Equals(AgentVersion, other.AgentVersion, StringComparison.Ordinal)
        && string.Equals(ContainerRuntime, other.ContainerRuntime, StringComparison.Ordinal)
        && Equals(Kubernetes, other.Kubernetes)
        && ParseJson == other.ParseJson
        && Plain == other.Plain;

    public override int GetHashCode() => HashCode.Combine(NodeName, FilePath, Pod, DataStream, AgentVersion, ContainerRuntime, Kubernetes, HashCode.Combine(ParseJson, Plain));

    private byte[] EncodeTail()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using var json = new Utf8JsonWriter(buffer, EcsDocumentWriter.Options);

        // A throw-away prefix puts the writer where the per-document part ends, so that it emits the separating comma
        // and keeps its nesting checks; the prefix is cut off below.
        json.WriteStartObject();
        json.WriteStartObject("log");
        json.WriteNumber("offset", 0);
        json.Flush();
        var prefixLength = buffer.WrittenCount;

        json.WriteStartObject("file");
        json.WriteString("path", FilePath);
        json.WriteEndObject();
        json.WriteEndObject();

        var k8s = Kubernetes;
        json.WriteStartObject("kubernetes");
        if (Pod is not null)
        {
            json.WriteString("namespace", Pod.Namespace);
            json.WriteStartObject("pod");
            json.WriteString("name", Pod.PodName);
            if ((Pod.PodUid ?? k8s?.Pod?.Uid) is { Length: > 0 } uid)
            {
                json.WriteString("uid", uid);
            }

            if (k8s?.Pod?.PodIp is { Length: > 0 } ip)
            {
                json.WriteString("ip", ip);
            }

            json.WriteEndObject();
            json.WriteStartObject("container");
            json.WriteString("name", Pod.ContainerName);
            json.WriteEndObject();
        }

        json.WriteStartObject("node");
        json.WriteString("name", NodeName);
        json.WriteEndObject();
        if (k8s is not null)
        {
            k8s.WriteKubernetes(json);
        }

        json.WriteEndObject();

        var container = k8s?.Container(Pod);
        var containerId = Pod?.ContainerId ?? container?.Id;
        var runtime = ContainerRuntime ?? container?.Runtime;
        var image = container?.Image;
        if (containerId is not null || runtime is not null || image is not null)
        {
            json.WriteStartObject("container");
            if (containerId is not null)
            {
                json.WriteString("id", containerId);
            }

            if (runtime is not null)
            {
                json.WriteString("runtime", runtime);
            }

            if (image is not null)
            {
                json.WriteStartObject("image");
                json.WriteString("name", image);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        k8s?.WriteOrchestrator(json);

        json.WriteStartObject("host");
        json.WriteString("name", NodeName);
        json.WriteEndObject();

        if (DataStream is { } dataStream)
        {
            json.WriteStartObject("data_stream");
            json.WriteString("type", dataStream.Type);
            json.WriteString("dataset", dataStream.Dataset);
            json.WriteString("namespace", dataStream.Namespace);
            json.WriteEndObject();
        }

        // event.dataset mirrors data_stream.dataset, as the ECS data_stream field set asks; without a data stream it
        // still says what the events are.
        json.WriteStartObject("event");
        json.WriteString("dataset", (DataStream ?? DataStreamName.Default).Dataset);
        json.WriteEndObject();

        json.WriteStartObject("agent");
        json.WriteString("type", AgentType);
        json.WriteString("version", AgentVersion);
        json.WriteEndObject();

        json.WriteStartObject("ecs");
        json.WriteString("version", EcsVersion);
        json.WriteEndObject();

        json.WriteEndObject();
        json.Flush();
        return buffer.WrittenSpan[prefixLength..].ToArray();
    }
}
