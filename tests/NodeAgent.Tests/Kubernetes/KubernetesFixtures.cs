using System.Text.Json;
using System.Text.Json.Nodes;
using NodeAgent.Kubernetes;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Kubernetes;

/// <summary>Pods shaped as the API server sends them: the fixture pod, edited as a test needs.</summary>
internal static class KubernetesFixtures
{
    public const string Uid = "3b0e2f4a-9c1d-4e5f-8a7b-6c5d4e3f2a1b";

    public static JsonObject DeploymentPodJson() =>
        JsonNode.Parse(File.ReadAllText(Repository.Fixture("kubernetes", "pod-deployment.json")))!.AsObject();

    public static PodObject DeploymentPod(Action<JsonObject>? edit = null)
    {
        var json = DeploymentPodJson();
        edit?.Invoke(json);
        return JsonSerializer.Deserialize(json.ToJsonString(), KubernetesJsonContext.Default.PodObject)!;
    }

    public static PodObject Pod(string ns, string name, string uid, Action<JsonObject>? edit = null) => DeploymentPod(json =>
    {
        json["metadata"]!["namespace"] = ns;
        json["metadata"]!["name"] = name;
        json["metadata"]!["uid"] = uid;
        edit?.Invoke(json);
    });

    public static void SetOwner(JsonObject pod, string kind, string name) =>
        pod["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = kind == "Job" ? "batch/v1" : "apps/v1",
            ["kind"] = kind,
            ["name"] = name,
            ["uid"] = Guid.NewGuid().ToString(),
            ["controller"] = true,
        });

    public static void SetAnnotation(JsonObject pod, string key, string? value)
    {
        var annotations = pod["metadata"]!["annotations"]!.AsObject();
        if (value is null)
        {
            annotations.Remove(key);
        }
        else
        {
            annotations[key] = value;
        }
    }

    public static NamespaceObject Namespace(string name, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = labels.ToDictionary(l => l.Key, l => l.Value) },
    };
}
