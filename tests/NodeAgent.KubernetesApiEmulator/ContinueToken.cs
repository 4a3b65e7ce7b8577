using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>The <c>continue</c> token of a paginated list, encoded as the real storage layer encodes it
/// (apiserver/pkg/storage/continue.go): base64 of <c>{"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}</c>. Clients
/// must treat it as opaque; it is the snapshot revision plus the key to resume after.</summary>
internal static class ContinueToken
{
    public static string Encode(long resourceVersion, string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["v"] = "meta.k8s.io/v1",
            ["rv"] = resourceVersion,
            ["start"] = lastKey + "\u0000",
        }.ToJsonString()));

    public static bool TryDecode(string token, out long resourceVersion, out string start)
    {
        resourceVersion = 0;
        start = "";
        try
        {
            var json = JsonNode.Parse(Convert.FromBase64String(token)) as JsonObject;
            if ((string?)json?["v"] != "meta.k8s.io/v1" || json["rv"] is not JsonValue rv || (string?)json["start"] is not { } key)
            {
                return false;
            }

            resourceVersion = rv.GetValue<long>();
            start = key;
            return resourceVersion > 0;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
