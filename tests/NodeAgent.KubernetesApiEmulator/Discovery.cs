using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>The discovery documents a client reads before it lists anything (kubectl: <c>/api</c>, <c>/apis</c>,
/// <c>/api/v1</c>), in their legacy, unaggregated form: a client that asks for aggregated discovery gets plain JSON
/// back and falls back to this, as against an older server.</summary>
internal static class Discovery
{
    public const string GitVersion = "v1.32.0";

    private static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static Task ApiVersionsAsync(HttpContext context) => StatusResponse.WriteJsonAsync(context, 200, new JsonObject
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
        {
            ["clientCIDR"] = "0.0.0.0/0",
            ["serverAddress"] = context.Request.Host.Value,
        }),
    });

    public static Task ApiGroupsAsync(HttpContext context) => StatusResponse.WriteJsonAsync(context, 200, new JsonObject
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(),
    });

    public static Task CoreV1ResourcesAsync(HttpContext context) => StatusResponse.WriteJsonAsync(context, 200, new JsonObject
    {
        ["kind"] = "APIResourceList",
        ["groupVersion"] = "v1",
        ["resources"] = new JsonArray(
            Resource(ResourceType.Namespaces, "ns", Verbs.Where(v => v != "deletecollection")),
            Resource(ResourceType.Pods, "po", Verbs, category: "all")),
    });

    public static Task VersionAsync(HttpContext context) => StatusResponse.WriteJsonAsync(context, 200, new JsonObject
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2024-12-11T00:00:00Z",
        ["goVersion"] = "go1.23.3",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    });

    private static JsonObject Resource(ResourceType resource, string shortName, IEnumerable<string> verbs, string? category = null)
    {
        var entry = new JsonObject
        {
            ["name"] = resource.Plural,
            ["singularName"] = resource.Singular,
            ["namespaced"] = resource.Namespaced,
            ["kind"] = resource.Kind,
            ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode)v)]),
            ["shortNames"] = new JsonArray(shortName),
        };
        if (category is not null)
        {
            entry["categories"] = new JsonArray(category);
        }

        return entry;
    }
}
