using System.Text.Json;
using System.Text.Json.Serialization;

namespace NodeAgent.Kubernetes;

// The few fields of the Kubernetes API objects that the agent reads (core/v1 Pod, Namespace, List, Status and watch
// events, as the API reference names them). Deserialised with a source-generated context of their own: the client's
// generated models would bring their metadata for a thousand types into the binary (measured: +15 MB on disk and
// +21 MB of RSS at idle in the AOT build) for the dozen fields used here. Unknown fields are skipped.

/// <summary>An object that has <c>metadata</c>.</summary>
internal interface IKubernetesObject
{
    ObjectMeta? Metadata { get; }
}

internal sealed class ObjectMeta
{
    public string? Name { get; set; }

    public string? Namespace { get; set; }

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }

    public List<OwnerReference>? OwnerReferences { get; set; }
}

internal sealed class OwnerReference
{
    public string? Kind { get; set; }

    public string? Name { get; set; }

    public bool? Controller { get; set; }
}

internal sealed class PodObject : IKubernetesObject
{
    public ObjectMeta? Metadata { get; set; }

    public PodSpec? Spec { get; set; }

    public PodStatus? Status { get; set; }
}

internal sealed class PodSpec
{
    public string? NodeName { get; set; }

    public List<ContainerSpec>? Containers { get; set; }

    public List<ContainerSpec>? InitContainers { get; set; }

    public List<ContainerSpec>? EphemeralContainers { get; set; }
}

internal sealed class ContainerSpec
{
    public string? Name { get; set; }

    public string? Image { get; set; }
}

internal sealed class PodStatus
{
    [JsonPropertyName("podIP")]
    public string? PodIp { get; set; }

    public List<ContainerStatus>? ContainerStatuses { get; set; }

    public List<ContainerStatus>? InitContainerStatuses { get; set; }

    public List<ContainerStatus>? EphemeralContainerStatuses { get; set; }
}

internal sealed class ContainerStatus
{
    public string? Name { get; set; }

    public string? Image { get; set; }

    [JsonPropertyName("containerID")]
    public string? ContainerId { get; set; }

    public int RestartCount { get; set; }
}

internal sealed class NamespaceObject : IKubernetesObject
{
    public ObjectMeta? Metadata { get; set; }
}

internal sealed class ListMeta
{
    public string? ResourceVersion { get; set; }

    [JsonPropertyName("continue")]
    public string? Continue { get; set; }
}

/// <summary>A PodList or NamespaceList.</summary>
internal sealed class ObjectList<T>
{
    public ListMeta? Metadata { get; set; }

    public List<T>? Items { get; set; }
}

/// <summary>One line of a watch stream; <c>object</c> is read once the type says what it is.</summary>
internal sealed class WatchEvent
{
    public string? Type { get; set; }

    public JsonElement Object { get; set; }
}

/// <summary>The API server's error body (meta/v1 Status), also the object of a watch ERROR event.</summary>
internal sealed class StatusObject
{
    public string? Status { get; set; }

    public string? Message { get; set; }

    public string? Reason { get; set; }

    public int? Code { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PodObject))]
[JsonSerializable(typeof(NamespaceObject))]
[JsonSerializable(typeof(ObjectList<PodObject>))]
[JsonSerializable(typeof(ObjectList<NamespaceObject>))]
[JsonSerializable(typeof(WatchEvent))]
[JsonSerializable(typeof(StatusObject))]
internal sealed partial class KubernetesJsonContext : JsonSerializerContext;
