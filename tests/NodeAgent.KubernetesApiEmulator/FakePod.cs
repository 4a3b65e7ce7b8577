using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>Builds a v1 Pod as the API server returns one for a scheduled, running pod: the fields the server and the
/// kubelet fill in (defaults, uid, container statuses with containerID and imageID) included, in Go's field order.
/// <c>FakePod.Create("ns", "web-1", "node-a").Label("app", "web").Container("web", "nginx:1.27", "containerd://abc").Build()</c>.</summary>
public sealed class FakePod
{
    private static readonly DateTimeOffset DefaultCreated = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly string _namespace;
    private readonly string _name;
    private readonly string _nodeName;
    private readonly Dictionary<string, string> _labels = [];
    private readonly Dictionary<string, string> _annotations = [];
    private readonly List<(string Kind, string Name, string Uid, bool Controller)> _owners = [];
    private readonly List<(string Name, string Image, string? ContainerId)> _containers = [];
    private string _uid;
    private string _phase = "Running";
    private string? _podIp;
    private string _hostIp = "192.0.2.10";
    private DateTimeOffset _created = DefaultCreated;

    private FakePod(string ns, string name, string nodeName)
    {
        _namespace = ns;
        _name = name;
        _nodeName = nodeName;
        _uid = DeterministicUid(ns + "/" + name);
    }

    public static FakePod Create(string ns, string name, string nodeName) => new(ns, name, nodeName);

    /// <summary>The uid otherwise derives from namespace/name (stable across runs); set one to model a pod deleted and
    /// recreated under the same name, which the server gives a new uid.</summary>
    public FakePod Uid(string uid) => Set(() => _uid = uid);

    public FakePod Label(string key, string value) => Set(() => _labels[key] = value);

    public FakePod Annotation(string key, string value) => Set(() => _annotations[key] = value);

    /// <summary>An owner reference; apiVersion follows the kind (apps/v1 for ReplicaSet, DaemonSet, StatefulSet…).</summary>
    public FakePod Owner(string kind, string name, bool controller = true, string? uid = null) =>
        Set(() => _owners.Add((kind, name, uid ?? DeterministicUid(kind + "/" + _namespace + "/" + name), controller)));

    /// <summary>A container; with <paramref name="containerId"/> (<c>containerd://…</c>) it is running and ready,
    /// without it still waiting in ContainerCreating, as the kubelet reports before the runtime started it.</summary>
    public FakePod Container(string name, string image, string? containerId = null) => Set(() => _containers.Add((name, image, containerId)));

    public FakePod PodIp(string ip) => Set(() => _podIp = ip);

    public FakePod HostIp(string ip) => Set(() => _hostIp = ip);

    public FakePod Phase(string phase) => Set(() => _phase = phase);

    public FakePod Created(DateTimeOffset created) => Set(() => _created = created);

    public JsonObject Build()
    {
        var created = _created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var metadata = new JsonObject { ["name"] = _name, ["namespace"] = _namespace, ["uid"] = _uid, ["creationTimestamp"] = created };
        if (_labels.Count > 0)
        {
            metadata["labels"] = Map(_labels);
        }

        if (_annotations.Count > 0)
        {
            metadata["annotations"] = Map(_annotations);
        }

        if (_owners.Count > 0)
        {
            metadata["ownerReferences"] = new JsonArray([.. _owners.Select(o => (JsonNode)new JsonObject
            {
                ["apiVersion"] = ApiVersionOf(o.Kind),
                ["kind"] = o.Kind,
                ["name"] = o.Name,
                ["uid"] = o.Uid,
                ["controller"] = o.Controller,
                ["blockOwnerDeletion"] = true,
            })]);
        }

        return new JsonObject
        {
            ["kind"] = "Pod",
            ["apiVersion"] = "v1",
            ["metadata"] = metadata,
            ["spec"] = Spec(),
            ["status"] = Status(created),
        };
    }

    private JsonObject Spec() => new()
    {
        ["containers"] = new JsonArray([.. _containers.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["image"] = c.Image,
            ["resources"] = new JsonObject(),
            ["terminationMessagePath"] = "/dev/termination-log",
            ["terminationMessagePolicy"] = "File",
            ["imagePullPolicy"] = "IfNotPresent",
        })]),
        ["restartPolicy"] = "Always",
        ["terminationGracePeriodSeconds"] = 30,
        ["dnsPolicy"] = "ClusterFirst",
        ["serviceAccountName"] = "default",
        ["serviceAccount"] = "default",
        ["nodeName"] = _nodeName,
        ["securityContext"] = new JsonObject(),
        ["schedulerName"] = "default-scheduler",
        ["enableServiceLinks"] = true,
        ["preemptionPolicy"] = "PreemptLowerPriority",
    };

    private JsonObject Status(string created)
    {
        var status = new JsonObject { ["phase"] = _phase, ["hostIP"] = _hostIp, ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = _hostIp }) };
        if (_podIp is not null)
        {
            status["podIP"] = _podIp;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = _podIp });
        }

        status["startTime"] = created;
        status["containerStatuses"] = new JsonArray([.. _containers.Select(c => (JsonNode)ContainerStatus(c.Name, c.Image, c.ContainerId, created))]);
        status["qosClass"] = "BestEffort";
        return status;
    }

    private static JsonObject ContainerStatus(string name, string image, string? containerId, string created)
    {
        var running = containerId is not null;
        var status = new JsonObject
        {
            ["name"] = name,
            ["state"] = running
                ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = created } }
                : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
            ["lastState"] = new JsonObject(),
            ["ready"] = running,
            ["restartCount"] = 0,
            ["image"] = image,
            ["imageID"] = running ? ImageId(image) : "",
        };
        if (running)
        {
            status["containerID"] = containerId;
        }

        status["started"] = running;
        return status;
    }

    // The kubelet reports the resolved digest: docker.io/library/nginx@sha256:… for nginx:1.27.
    private static string ImageId(string image)
    {
        var repository = image.Split('@')[0];
        var tagAt = repository.LastIndexOf(':');
        if (tagAt > repository.LastIndexOf('/'))
        {
            repository = repository[..tagAt];
        }

        if (!repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }

        if (!repository.Split('/')[0].Contains('.', StringComparison.Ordinal))
        {
            repository = "docker.io/" + repository;
        }

        return repository + "@sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(image)));
    }

    private static string ApiVersionOf(string kind) => kind switch
    {
        "ReplicaSet" or "Deployment" or "DaemonSet" or "StatefulSet" => "apps/v1",
        "Job" or "CronJob" => "batch/v1",
        _ => "v1",
    };

    // Stable across runs so that golden outputs can include it; shaped like the server's random UUIDs.
    private static string DeterministicUid(string seed) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(seed)).AsSpan(0, 16)).ToString();

    private static JsonObject Map(Dictionary<string, string> values) =>
        new([.. values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))]);

    private FakePod Set(Action change)
    {
        change();
        return this;
    }
}
