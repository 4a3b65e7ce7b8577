using System.Buffers;
using System.Text.Json;
using NodeAgent.Kubernetes;
using NodeAgent.Tailing;

namespace NodeAgent.Shipping;

/// <summary>
/// An Elasticsearch data stream name split into its parts, as the data stream naming scheme defines it:
/// <c>&lt;type&gt;-&lt;dataset&gt;-&lt;namespace&gt;</c>, where no part may hold '-' (so the split is unambiguous).
/// </summary>
/// <remarks>
/// Documents repeat the parts in <c>data_stream.*</c>, which the data stream mappings make <c>constant_keyword</c>
/// fields (Elasticsearch's built-in <c>logs-*-*</c> template fixes <c>type</c> to <c>logs</c>; the first document of a
/// backing index fixes <c>dataset</c> and <c>namespace</c>): a document whose values differ is refused. A name the
/// scheme cannot split (<c>logs-my-app-prod</c> still matches <c>logs-*-*</c>) leaves no right values to write.
/// </remarks>
internal readonly record struct DataStreamName(string Type, string Dataset, string Namespace)
{
    // The naming scheme's limit on dataset and namespace, and Elasticsearch's on index names (255 bytes).
    private const int MaxPartLength = 100;
    private const int MaxNameBytes = 255;

    // Characters Elasticsearch refuses in index names (MetadataCreateIndexService), ':' included since 7.0.
    private static readonly SearchValues<char> Forbidden = SearchValues.Create("\\/*?\"<>| ,#:");

    public static DataStreamName Default { get; } = new("logs", "kubernetes.container_logs", "default");

    public static bool TryParse(string? name, out DataStreamName dataStream)
    {
        dataStream = default;
        if (Problem(name) is not null)
        {
            return false;
        }

        var parts = name!.Split('-');
        dataStream = new DataStreamName(parts[0], parts[1], parts[2]);
        return true;
    }

    /// <summary>Why <paramref name="name"/> is not a data stream name of the scheme, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        var parts = name.Split('-');
        if (parts.Length != 3)
        {
            return $"it has {parts.Length} dash-separated parts, not 3";
        }

        if (parts.Any(string.IsNullOrEmpty))
        {
            return "a part is empty";
        }

        if (!string.Equals(name, name.ToLowerInvariant(), StringComparison.Ordinal))
        {
            return "Elasticsearch index names are lower case";
        }

        if (name.AsSpan().IndexOfAny(Forbidden) is var at and >= 0)
        {
            return $"Elasticsearch index names may not hold '{name[at]}'";
        }

        if (name[0] is '_' or '+')
        {
            return $"it starts with '{name[0]}'";
        }

        if (parts[1].Length > MaxPartLength || parts[2].Length > MaxPartLength)
        {
            return $"dataset and namespace are at most {MaxPartLength} characters";
        }

        return System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameBytes ? $"it is longer than {MaxNameBytes} bytes" : null;
    }

    public override string ToString() => $"{Type}-{Dataset}-{Namespace}";
}

/// <summary>
/// Everything a document holds besides its <see cref="NodeAgent.Parsing.LogRecord"/>: one per tailed file. The fields
/// that do not change from line to line are encoded to JSON once, here, so that a document costs only its record's
/// fields (see <see cref="EcsDocumentWriter"/>).
/// </summary>
/// <remarks>
/// The properties have no setters on purpose: a <c>with</c> expression copies fields without rerunning the encoding,
/// so allowing one would let <see cref="EncodedTail"/> go stale. Build a new context instead.
/// </remarks>
internal sealed record DocumentContext
{
    /// <summary>The ECS version the field set follows (ECS 8.11 field reference).</summary>
    public const string EcsVersion = "8.11.0";

    public const string AgentType = "node-agent";

    private readonly byte[] _tail;

    /// <param name="filePath">The path as found under <c>Logs:Include</c> (the link, not its target): <c>log.file.path</c>.</param>
    /// <param name="pod">What the path says about the pod; <see langword="null"/> for a file outside Kubernetes' layout.</param>
    /// <param name="containerRuntime"><c>container.runtime</c> (for example <c>containerd</c>), when known.</param>
    /// <param name="kubernetes">What the API server says about the pod, when known (<see cref="KubernetesFields"/>).</param>
    /// <param name="dataStream">The data stream the documents go to, named in <c>data_stream.*</c> and
    /// <c>event.dataset</c>; null for <c>Elasticsearch:Index</c>, whose documents carry no <c>data_stream.*</c>.</param>
    public DocumentContext(string nodeName, string filePath, PodLogInfo? pod, DataStreamName? dataStream, string agentVersion, string? containerRuntime = null, KubernetesFields? kubernetes = null, bool parseJson = false)
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
        _tail = EncodeTail();
    }

    /// <summary>A context with the default data stream and this build's version unless told otherwise.</summary>
    public static DocumentContext Create(string nodeName, string filePath, PodLogInfo? pod, DataStreamName? dataStream = null, string? containerRuntime = null, KubernetesFields? kubernetes = null, bool parseJson = false) =>
        new(nodeName, filePath, pod, dataStream ?? DataStreamName.Default, Hosting.AgentVersion.Current, containerRuntime, kubernetes, parseJson);

    /// <summary>The same file's context with other Kubernetes fields (the pod's metadata arrived or changed).</summary>
    public DocumentContext With(KubernetesFields? kubernetes, bool parseJson) =>
        new(NodeName, FilePath, Pod, DataStream, AgentVersion, ContainerRuntime, kubernetes, parseJson);

    public string NodeName { get; }

    public string FilePath { get; }

    public PodLogInfo? Pod { get; }

    public DataStreamName? DataStream { get; }

    public string AgentVersion { get; }

    public string? ContainerRuntime { get; }

    public KubernetesFields? Kubernetes { get; }

    /// <summary>Messages that are JSON objects also go into <c>json.*</c> (<see cref="EcsDocumentWriter"/>).</summary>
    public bool ParseJson { get; }

    /// <summary>
    /// The constant end of every document of this file, starting inside the <c>log</c> object just after
    /// <c>log.offset</c> (or <c>log.flags</c>): <c>,"file":{"path":...}},"kubernetes":{...},...}</c>, closing brace
    /// included. Encoded with the writer's own options, so it is byte for byte what the writer would have produced.
    /// </summary>
    public ReadOnlySpan<byte> EncodedTail => _tail;

    public bool Equals(DocumentContext? other) =>
        other is not null
        && string.Equals(NodeName, other.NodeName, StringComparison.Ordinal)
        && string.Equals(FilePath, other.FilePath, StringComparison.Ordinal)
        && Equals(Pod, other.Pod)
        && DataStream.Equals(other.DataStream)
        && string.Equals(AgentVersion, other.AgentVersion, StringComparison.Ordinal)
        && string.Equals(ContainerRuntime, other.ContainerRuntime, StringComparison.Ordinal)
        && Equals(Kubernetes, other.Kubernetes)
        && ParseJson == other.ParseJson;

    public override int GetHashCode() => HashCode.Combine(NodeName, FilePath, Pod, DataStream, AgentVersion, ContainerRuntime, Kubernetes, ParseJson);

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
