using System.Text.Json.Nodes;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>The two core/v1 resources the fake serves, with what the real registry knows of each: kind, list kind,
/// scope and the fields a field selector may name (pkg/registry/core/pod/strategy.go <c>ToSelectableFields</c>,
/// namespace/strategy.go <c>NamespaceToSelectableFields</c>; every resource also has metadata.name and
/// metadata.namespace).</summary>
internal sealed class ResourceType
{
    public static readonly ResourceType Pods = new("pods", "pod", "Pod", namespaced: true, PodFields);

    public static readonly ResourceType Namespaces = new("namespaces", "namespace", "Namespace", namespaced: false, NamespaceFields);

    private readonly Func<JsonObject, Dictionary<string, string>> _fields;

    private ResourceType(string plural, string singular, string kind, bool namespaced, Func<JsonObject, Dictionary<string, string>> fields)
    {
        Plural = plural;
        Singular = singular;
        Kind = kind;
        Namespaced = namespaced;
        _fields = fields;
        SelectableFields = fields(new JsonObject()).Keys.ToHashSet(StringComparer.Ordinal);
    }

    public string Plural { get; }

    public string Singular { get; }

    public string Kind { get; }

    public string ListKind => Kind + "List";

    public bool Namespaced { get; }

    public IReadOnlySet<string> SelectableFields { get; }

    /// <summary>The field values a selector compares, as the registry renders them (absent strings are "", booleans
    /// are "true"/"false").</summary>
    public IReadOnlyDictionary<string, string> FieldsOf(JsonObject item) => _fields(item);

    /// <summary>The object a BOOKMARK carries: an empty object of the kind with only the resourceVersion set, serialized
    /// the way Go serializes an empty struct (hence <c>creationTimestamp: null</c> and, for a Pod,
    /// <c>containers: null</c>: clients that validate required fields on bookmarks break on the real thing too).</summary>
    public JsonObject Bookmark(long resourceVersion)
    {
        var bookmark = new JsonObject
        {
            ["kind"] = Kind,
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = Rv(resourceVersion), ["creationTimestamp"] = null },
            ["spec"] = this == Pods ? new JsonObject { ["containers"] = null } : new JsonObject(),
            ["status"] = new JsonObject(),
        };
        return bookmark;
    }

    public static string Rv(long resourceVersion) => resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, string> PodFields(JsonObject pod) => new(StringComparer.Ordinal)
    {
        ["metadata.name"] = Text(pod, "metadata", "name"),
        ["metadata.namespace"] = Text(pod, "metadata", "namespace"),
        ["spec.nodeName"] = Text(pod, "spec", "nodeName"),
        ["spec.restartPolicy"] = Text(pod, "spec", "restartPolicy"),
        ["spec.schedulerName"] = Text(pod, "spec", "schedulerName"),
        ["spec.serviceAccountName"] = Text(pod, "spec", "serviceAccountName"),
        ["spec.hostNetwork"] = pod["spec"]?["hostNetwork"]?.GetValue<bool>() == true ? "true" : "false",
        ["status.phase"] = Text(pod, "status", "phase"),
        ["status.podIP"] = Text(pod, "status", "podIP"),
        ["status.nominatedNodeName"] = Text(pod, "status", "nominatedNodeName"),
    };

    private static Dictionary<string, string> NamespaceFields(JsonObject ns) => new(StringComparer.Ordinal)
    {
        ["metadata.name"] = Text(ns, "metadata", "name"),
        ["metadata.namespace"] = "",
        ["status.phase"] = Text(ns, "status", "phase"),
    };

    private static string Text(JsonObject item, string section, string field) =>
        item[section] is JsonObject part && part[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
}
